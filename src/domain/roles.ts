// What each role is called, and which roles decide review stages: shared by the pages, the
// emails, the portal's approval stamp ("KT. <role label>") and the delegation rules.
import { WORKFLOWS } from "../../workflows";
import type { Role } from "../db/schema";

// Role names come from the workflow definitions' stage labels, not from the pages.
export const ROLE_LABELS: Record<Role, string> = {
  admin: "Quản trị",
  author: "Cán bộ đơn vị",
  ...Object.fromEntries(Object.values(WORKFLOWS).flatMap((d) => d.stages.map((s) => [s.role, s.label]))),
} as Record<Role, string>;

/** The roles that decide a review stage: the ones that may be delegated (ký thay) or covered in an absence. */
export const REVIEWER_ROLES = ["centre_head", "specialist", "deputy_head", "director"] as const satisfies readonly Role[];
export type ReviewerRole = (typeof REVIEWER_ROLES)[number];
export const isReviewerRole = (role: string): role is ReviewerRole => (REVIEWER_ROLES as readonly string[]).includes(role);

/** "KT. Trưởng phòng" (ký thay): how a decision made under a delegation of `role` is signed. */
export const signedFor = (role: string): string => `KT. ${ROLE_LABELS[role as Role] ?? role}`;
