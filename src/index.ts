import { createApp } from "./app";
import { consumeNotifications } from "./notifications/consumer";
import { sweepPeriodReminders } from "./reminders/start";

export { ReportFlow } from "./flow/report-flow";
export { PublishWorkflow } from "./publish/workflow";
export { PeriodRemindersWorkflow } from "./reminders/workflow";

const app = createApp();

export default {
  fetch: app.fetch,
  queue: consumeNotifications,
  // The cron trigger (wrangler.toml): recovers a period whose reminder timer did not start.
  scheduled: async (_controller, env) => {
    await sweepPeriodReminders(env);
  },
} satisfies ExportedHandler<Env>;
