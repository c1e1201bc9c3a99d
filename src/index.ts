import { createApp } from "./app";
import { consumeNotifications } from "./notifications/consumer";

export { ReportFlow } from "./flow/report-flow";
export { PublishWorkflow } from "./publish/workflow";

const app = createApp();

export default {
  fetch: app.fetch,
  queue: consumeNotifications,
} satisfies ExportedHandler<Env>;
