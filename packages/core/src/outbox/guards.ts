/**
 * The condition that makes delivery happen once: a dispatcher may claim a notice only while it
 * is due and pending, or when another's claim has run out. It lives in this file, which the
 * module does not export, and is writable only so the tests (importing it by path) can switch
 * it off and show that they then see a message sent twice (negative control).
 */
export const guards = {
  claim: "(#status = :pending AND (attribute_not_exists(#next) OR #next <= :now)) OR (#status = :sending AND #leaseUntil < :now)",
};
/** The same names and values, always true for a stored notice. */
export const guardsOff = {
  claim: "attribute_exists(#status) OR #status IN (:pending, :sending) OR #next <= :now OR #leaseUntil < :now",
};
