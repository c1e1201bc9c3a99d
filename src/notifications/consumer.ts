/** Notification messages; templates and sending come with the notifications issue. */
export async function consumeNotifications(batch: MessageBatch<unknown>, _env: Env): Promise<void> {
  for (const message of batch.messages) {
    console.warn(JSON.stringify({ level: "warn", message: "notification consumer not yet wired", id: message.id }));
    message.retry({ delaySeconds: 60 });
  }
}
