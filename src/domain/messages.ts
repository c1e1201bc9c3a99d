// Validation messages in plain Vietnamese, for the API's problem details and the web forms alike.
import { z } from "zod";

export function configureMessages(): void {
  z.config({
    ...z.locales.vi(),
    customError: (issue) => {
      switch (issue.code) {
        case "invalid_type":
          return issue.input === undefined ? "Bắt buộc" : undefined;
        case "too_small":
          if (issue.origin === "string") return Number(issue.minimum) <= 1 ? "Không được để trống" : `Cần ít nhất ${issue.minimum} ký tự`;
          if (issue.origin === "number") return `Không nhỏ hơn ${issue.minimum}`;
          return undefined;
        case "too_big":
          if (issue.origin === "string") return `Tối đa ${issue.maximum} ký tự`;
          if (issue.origin === "number") return `Không lớn hơn ${issue.maximum}`;
          if (issue.origin === "array") return `Tối đa ${issue.maximum} mục`;
          return undefined;
        default:
          return undefined;
      }
    },
  });
}
