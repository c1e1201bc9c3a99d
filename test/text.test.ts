import { describe, expect, it } from "vitest";
import { ftsQuery, nfc, slugify, stripDiacritics } from "../src/domain/text";

describe("Vietnamese text", () => {
  it("decomposed input (as pasted from macOS) is composed to NFC", () => {
    const decomposed = "Hội nghị sơ kết học kì I".normalize("NFD");
    expect(decomposed).not.toBe("Hội nghị sơ kết học kì I");
    expect(nfc(decomposed)).toBe("Hội nghị sơ kết học kì I");
    expect(nfc(decomposed).length).toBeLessThan(decomposed.length);
  });

  it.each([
    ["Hội nghị sơ kết học kì I", "hoi-nghi-so-ket-hoc-ki-i"],
    ["Đại hội Đoàn trường", "dai-hoi-doan-truong"],
    ["Phòng GDTX-CN&ĐH", "phong-gdtx-cn-dh"],
    ["Sở Giáo dục và Đào tạo", "so-giao-duc-va-dao-tao"],
    ["  Năm học 2023 – 2024!  ", "nam-hoc-2023-2024"],
    ["Tỷ lệ đạt 98,6%", "ty-le-dat-98-6"],
    ["Hội nghị".normalize("NFD") + " ĐỒNG THÁP", "hoi-nghi-dong-thap"],
    ["Ưu tiên ươm mầm", "uu-tien-uom-mam"],
    ["", "bai-viet"],
    ["!!!", "bai-viet"],
  ])("slug of %j is %j", (title, slug) => {
    expect(slugify(title)).toBe(slug);
  });

  it("a long title makes a slug of at most 80 characters that does not end in a dash", () => {
    const slug = slugify("Hội nghị ".repeat(30));
    expect(slug.length).toBeLessThanOrEqual(80);
    expect(slug).not.toMatch(/-$/);
  });

  it("stripDiacritics folds every vowel mark and đ/Đ", () => {
    expect(stripDiacritics("ắằẳẵặ ấầẩẫậ ếềểễệ ốồổỗộ ớờởỡợ ứừửữự ýỳỷỹỵ đĐ")).toBe("aaaaa aaaaa eeeee ooooo ooooo uuuuu yyyyy dD");
  });

  it("search text becomes quoted prefix terms with đ folded; punctuation cannot inject FTS syntax", () => {
    const inText = (terms: string) => `{title summary body location} : (${terms})`;
    expect(ftsQuery("Đào tạo")).toBe(inText('"Dào"* "tạo"*'));
    expect(ftsQuery('hội" OR body:*')).toBe(inText('"hội"* "OR"* "body"*'));
    // The unit tokens of the scope column are never reachable from the user's words.
    expect(ftsQuery("scope : u")).toBe(inText('"scope"* "u"*'));
    expect(ftsQuery("  -- ** ")).toBeNull();
  });
});
