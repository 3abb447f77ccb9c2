/*
 * The policy compiler (policyc.c): the text language of docs/policy.md into
 * the binary of <hyperlaunch/xsm-policy.h>. Its own header: the host tests
 * (tests/core) write their policies in the language too.
 */
#ifndef LCM_TOOL_POLICYC_H
#define LCM_TOOL_POLICYC_H

#include <stddef.h>
#include <stdint.h>

/* Compile policy text (@size bytes of @text, from @file for messages) into
 * the binary format; malloc'd, its size in *@out_size. NULL when invalid:
 * every problem reported as FILE:LINE:COL (lt_error). */
uint8_t *lt_policy_compile(const char *file, const char *text, size_t size, size_t *out_size);

#endif /* LCM_TOOL_POLICYC_H */
