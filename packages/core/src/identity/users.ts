import { getItem, transact, updateItem, type Db } from "../db/index.ts";
import { keys } from "../table/index.ts";
import { newId } from "../ids/index.ts";
import type { Clock } from "../clock/index.ts";
import type { Role } from "./access.ts";
import { maskPhone } from "../forms/mask.ts";

export interface User {
  id: string;
  phone: string;
  name?: string;
  orgUnit?: string;
  roles: Role[];
  createdAt: string;
}

export const getUser = (db: Db, id: string) => getItem<User>(db, keys.user(id));

/** The user behind a number, created on first sign-in (the number is the account). */
export async function userForPhone(db: Db, clock: Clock, phone: string, seed?: Partial<Pick<User, "name" | "roles">>): Promise<User> {
  const link = await getItem<{ userId: string }>(db, keys.phone(phone));
  if (link) return (await getUser(db, link.userId))!;
  const user: User = {
    id: newId("u"),
    phone,
    roles: seed?.roles ?? [],
    createdAt: clock.now().toISOString(),
    ...(seed?.name ? { name: seed.name } : {}),
  };
  // Both items or neither: the phone link's condition makes a number one account, even when
  // two first sign-ins race.
  const result = await transact(db, [
    { put: { ...keys.user(user.id), ...user }, condition: { expression: "attribute_not_exists(pk)" } },
    { put: { ...keys.phone(phone), userId: user.id }, condition: { expression: "attribute_not_exists(pk)" } },
  ]);
  if (result.ok) return user;
  const winner = await getItem<{ userId: string }>(db, keys.phone(phone));
  return (await getUser(db, winner!.userId))!;
}

export async function updateProfile(db: Db, userId: string, change: { name?: string; orgUnit?: string }): Promise<User> {
  const sets: string[] = [];
  const values: Record<string, unknown> = {};
  if (change.name !== undefined) (sets.push("#name = :name"), (values[":name"] = change.name));
  if (change.orgUnit !== undefined) (sets.push("orgUnit = :org"), (values[":org"] = change.orgUnit));
  if (sets.length === 0) return (await getUser(db, userId))!;
  return updateItem<User>(db, {
    key: keys.user(userId),
    update: `SET ${sets.join(", ")}`,
    condition: "attribute_exists(pk)",
    names: change.name !== undefined ? { "#name": "name" } : undefined,
    values,
  });
}

/** Sets roles (seeding and, later, the organiser console). */
export async function setRoles(db: Db, userId: string, roles: Role[], name?: string): Promise<void> {
  await updateItem(db, {
    key: keys.user(userId),
    update: name ? "SET #roles = :roles, #name = :name" : "SET #roles = :roles",
    names: name ? { "#roles": "roles", "#name": "name" } : { "#roles": "roles" },
    values: name ? { ":roles": roles, ":name": name } : { ":roles": roles },
  });
}

/** What a person sees of an account: the number masked. */
export const publicUser = (u: User) => ({
  id: u.id,
  phone: maskPhone(u.phone),
  ...(u.name ? { name: u.name } : {}),
  ...(u.orgUnit ? { orgUnit: u.orgUnit } : {}),
  roles: u.roles,
});
