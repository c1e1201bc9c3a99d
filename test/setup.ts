import { applyD1Migrations } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { seedDemo } from "./helpers/seed";

// Storage is isolated per test file; each file starts from the migrations plus the demo data.
await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);
await seedDemo();
