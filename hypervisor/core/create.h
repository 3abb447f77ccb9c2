/*
 * HL_DOMAIN_CREATE: a control domain builds a domain at run time from a
 * one-domain LCM fragment (docs/boot-flow.md, "Static and Dynamic").
 */
#ifndef HV_CREATE_H
#define HV_CREATE_H

#include "core/types.h"

struct domain;
struct vcpu;

/* create_call()'s answer while the creation is not over: the caller makes
 * the same call again (hypercall() returns false). Not an HL_E* code. */
#define CREATE_AGAIN INT64_MIN

/* HL_DOMAIN_CREATE by @v of the fragment at @ipa, @size bytes (the
 * hypercall gate has asked the policy): HL_OK with the new domid in
 * *@domid, an HL_E* code, or CREATE_AGAIN after one bounded step of the
 * work. */
int64_t create_call(struct vcpu *v, uint64_t ipa, uint64_t size, uint64_t *domid);

/* @d ended: a creation it had under way is abandoned, and what it held
 * given back. */
void create_caller_ended(struct domain *d);

#endif /* HV_CREATE_H */
