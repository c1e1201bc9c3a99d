// Vietnamese formats: dates dd/mm/yyyy, numbers 13.184 and 98,6%.

const TZ = "Asia/Ho_Chi_Minh";

/** "2024-01-23" or an ISO timestamp -> "23/01/2024" (in Vietnam's time zone for timestamps). */
export function viDate(value: string): string {
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    const [y, m, d] = value.split("-");
    return `${d}/${m}/${y}`;
  }
  const parts = new Intl.DateTimeFormat("en-GB", { timeZone: TZ, day: "2-digit", month: "2-digit", year: "numeric" }).format(new Date(value));
  return parts;
}

/** An ISO timestamp -> "23/01/2024 14:05". */
export function viDateTime(iso: string): string {
  const d = new Date(iso);
  const time = new Intl.DateTimeFormat("en-GB", { timeZone: TZ, hour: "2-digit", minute: "2-digit", hour12: false }).format(d);
  return `${viDate(iso)} ${time}`;
}

/** 13184 -> "13.184"; 98.6 -> "98,6". */
export function viNumber(n: number, fractionDigits = 0): string {
  const [int, frac] = n.toFixed(fractionDigits).split(".");
  const grouped = int!.replace(/\B(?=(\d{3})+(?!\d))/g, ".");
  return frac ? `${grouped},${frac}` : grouped;
}

export const viPercent = (n: number) => `${viNumber(n, Number.isInteger(n) ? 0 : 1)}%`;
