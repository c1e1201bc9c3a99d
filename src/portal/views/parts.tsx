/** @jsxImportSource hono/jsx */
// Pieces of an article shared by the portal page and the preview in the web pages.
import { viNumber, viPercent } from "../format";

export type Results = { period: string; enrolled: number; completed: number; rate: number };

export function AttendeeList(props: { attendees: { name: string; title: string }[] }) {
  return (
    <ul class="attendees">
      {props.attendees.map((a) => (
        <li>
          {a.name}
          {a.title ? ` – ${a.title}` : ""}
        </li>
      ))}
    </ul>
  );
}

/** "13.184 học viên tham gia, 13.001 hoàn thành, đạt tỷ lệ 98,6%." */
export const resultsSentence = (r: Results) =>
  `${viNumber(r.enrolled)} học viên tham gia, ${viNumber(r.completed)} hoàn thành, đạt tỷ lệ ${viPercent(r.rate)}.`;
