/** @jsxImportSource hono/jsx */
// Who handles a report's current stage, on its page: the assignee, and the caller's buttons to
// claim it, hand it back to the stage's holders, or give it to one of them (DESIGN.md section 13).
import type { StageAssignment } from "../../services/assignment-options";

export function AssignmentPanel(props: { reportId: string; a: StageAssignment; csrf: string; actorId: string }) {
  const { a, reportId, csrf } = props;
  const action = `/app/reports/${reportId}/assignee`;
  const hidden = (
    <>
      <input type="hidden" name="_csrf" value={csrf} />
      <input type="hidden" name="stage" value={a.stage.id} />
    </>
  );
  return (
    <div class="assignment" aria-label="Phân công xử lý">
      <p class="mt0">
        Người xử lý:{" "}
        {a.assignee ? (
          <strong>
            {a.assignee.name}
            {a.mine ? " (bạn)" : ""}
          </strong>
        ) : (
          <span class="badge unassigned">Chưa phân công</span>
        )}
      </p>
      {a.mayClaim || a.mayHandBack || a.mayGive ? (
        <div class="actions assignment-actions">
          {a.mayClaim ? (
            <form method="post" action={action} class="inline">
              {hidden}
              <button type="submit" name="userId" value={props.actorId}>
                Nhận xử lý
              </button>
            </form>
          ) : null}
          {a.mayHandBack ? (
            <form method="post" action={action} class="inline" data-confirm={`Trả bước “${a.stage.label}” lại cho nhóm (mọi người phụ trách đều thấy và nhận được)?`}>
              {hidden}
              <button type="submit" name="userId" value="" class="secondary">
                Trả lại nhóm
              </button>
            </form>
          ) : null}
          {a.mayGive ? (
            <form method="post" action={action} class="give-form">
              {hidden}
              <label for="giao-cho" class="mt0">
                Giao cho
              </label>
              <div class="give-row">
                <select id="giao-cho" name="userId" required>
                  <option value="">— Chọn người —</option>
                  {a.candidates.map((h) => (
                    <option value={h.id}>{h.name}</option>
                  ))}
                </select>
                <button type="submit" class="secondary">
                  Giao
                </button>
              </div>
            </form>
          ) : null}
        </div>
      ) : null}
    </div>
  );
}
