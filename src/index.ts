import { createApp } from "./app";
import { consumeNotifications } from "./notifications/consumer";
import { sweepPeriodReminders } from "./reminders/start";
import { releaseRunOutDelegations } from "./services/delegation-endings";

export { ReportFlow } from "./flow/report-flow";
export { PublishWorkflow } from "./publish/workflow";
export { PeriodRemindersWorkflow } from "./reminders/workflow";

const app = createApp();

export default {
  fetch: app.fetch,
  queue: consumeNotifications,
  // The cron trigger (wrangler.toml): recovers a period whose reminder timer did not start, and
  // hands back stages held by delegates whose delegation ran out. One failing does not stop the other.
  scheduled: async (_controller, env) => {
    const results = await Promise.allSettled([sweepPeriodReminders(env), releaseRunOutDelegations(env)]);
    const failed = results.filter((r) => r.status === "rejected");
    if (failed.length) throw new AggregateError(failed.map((r) => (r as PromiseRejectedResult).reason), "scheduled sweep failed");
  },
} satisfies ExportedHandler<Env>;
