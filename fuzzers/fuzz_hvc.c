// SPDX-License-Identifier: MIT
/*
 * fuzz_hvc: the hypercall ABI as an untrusted-input surface (SPEC §12,
 * docs/hvc-abi.md, input format in docs/fuzz_hvc.md). Each record is a set
 * of raw host registers: the core runs them through its dispatcher; the
 * harness reads the same registers into reference calls with its own
 * decoding, written from the ABI document; then the result registers and
 * every check of dual_check() must agree. Host aborts between calls fill
 * the host's identity map as a running host would.
 */
#include "core/hvc.h"
#include "dual.h"
#include "hvc_input.h"

#include <stdio.h>
#include <stdlib.h>

#define HVC_NOT_SUPPORTED (~0ULL)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
/* Set by the replay program: print every call as it runs. */
int s2fuzz_verbose;

/* One step as it ran: the registers in and out, and the reference's reading. */
struct hvc_step {
	struct fz_hvc in;
	uint64_t out[FZ_HVC_NR_REGS];
	int rc; /* an abort's result */
};

static struct hvc_step trace[DUAL_TRACE_MAX];
static unsigned trace_n;

static bool fits32(uint64_t v)
{
	return v <= 0xffffffffULL;
}

/*
 * The reference's reading of the registers, from docs/hvc-abi.md: false for
 * an id that is no call (bit 16, the SVE hint, ignored); else the
 * operation's result in @rc. A 32-bit argument that does not fit is -EINVAL
 * before anything runs.
 */
static bool ref_hypercall(struct ref *r, const uint64_t *x, int *rc)
{
	uint64_t id = x[0] & ~FZ_HVC_SVE_HINT, n = id - FZ_HVC_ID_BASE;

	if (id < FZ_HVC_ID_BASE || n >= FZ_HVC_NR_CALLS)
		return false;
	*rc = -REF_EINVAL;
	switch (n) {
	case 0:
		*rc = ref_host_share_hyp(r, x[1]);
		break;
	case 1:
		*rc = ref_host_unshare_hyp(r, x[1]);
		break;
	case 2:
		*rc = ref_hyp_pin(r, x[1]);
		break;
	case 3:
		*rc = ref_hyp_unpin(r, x[1]);
		break;
	case 4:
		*rc = ref_host_donate_hyp(r, x[1], x[2]);
		break;
	case 5:
		*rc = ref_hyp_donate_host(r, x[1], x[2]);
		break;
	case 6:
		if (fits32(x[1]) && fits32(x[2]))
			*rc = ref_vm_create(r, (unsigned)x[1], (unsigned)x[2], x[3]);
		break;
	case 7:
		if (fits32(x[1]))
			*rc = ref_vm_topup(r, (unsigned)x[1], x[2]);
		break;
	case 8:
		if (fits32(x[1]))
			*rc = ref_host_donate_guest(r, (unsigned)x[1], x[2], x[3]);
		break;
	case 9:
		if (fits32(x[1]) && fits32(x[4]))
			*rc = ref_host_share_guest(r, (unsigned)x[1], x[2], x[3], (unsigned)x[4]);
		break;
	case 10:
		if (fits32(x[1]))
			*rc = ref_host_unshare_guest(r, (unsigned)x[1], x[2]);
		break;
	case 11:
		if (fits32(x[1]))
			*rc = ref_guest_relinquish(r, (unsigned)x[1], x[2]);
		break;
	case 12:
		if (fits32(x[1]))
			*rc = ref_vm_teardown(r, (unsigned)x[1]);
		break;
	default:
		*rc = ref_host_reclaim_page(r, x[1]);
		break;
	}
	return true;
}

static bool abi_fail(struct dual_failure *f, const char *name, const char *reg, uint64_t core,
		     uint64_t want)
{
	f->check = "hvc-abi";
	snprintf(f->detail, sizeof(f->detail), "%s: %s is %#llx after the call, the ABI says %#llx",
		 name, reg, (unsigned long long)core, (unsigned long long)want);
	snprintf(f->signature, sizeof(f->signature), "hvc-abi/%s/%s", name, reg);
	return false;
}

/* Run one hypercall on both sides and compare; false with @f filled. */
static bool run_call(struct dual *d, struct hvc_step *s, struct dual_failure *f)
{
	static const char *const regs[] = { "x0", "x1", "x2", "x3", "x4" };
	struct pkvm_hvc_regs r;
	uint64_t want[FZ_HVC_NR_REGS];
	const char *call = fz_hvc_name(s->in.x[0]);
	char name[64];
	int ref_rc = 0;
	bool handled = ref_hypercall(&d->ref, s->in.x, &ref_rc);
	int64_t x1;

	for (unsigned i = 0; i < FZ_HVC_NR_REGS; i++)
		r.x[i] = want[i] = s->in.x[i];
	pkvm_hvc_handle(&d->pkvm, &r);
	for (unsigned i = 0; i < FZ_HVC_NR_REGS; i++)
		s->out[i] = r.x[i];
	snprintf(name, sizeof(name), "hvc_%s", call ? call : "unknown");
	want[0] = handled ? 0 : HVC_NOT_SUPPORTED;
	if (handled)
		want[1] = (uint64_t)(int64_t)ref_rc;
	if (s->out[0] != want[0])
		return abi_fail(f, name, regs[0], s->out[0], want[0]);
	for (unsigned i = 2; i < FZ_HVC_NR_REGS; i++) {
		if (s->out[i] != want[i])
			return abi_fail(f, name, regs[i], s->out[i], want[i]);
	}
	/* x1: a result the return-code check can name, or a broken register. */
	x1 = (int64_t)s->out[1];
	if (handled ? x1 < -4095 || x1 > 0 : s->out[1] != want[1])
		return abi_fail(f, name, regs[1], s->out[1], want[1]);
	return dual_check(d, name, handled ? (int)x1 : 0, ref_rc, f);
}

static bool run_abort(struct dual *d, struct hvc_step *s, struct dual_failure *f)
{
	int ref_rc = ref_host_mem_abort(&d->ref, s->in.x[1]);

	s->rc = pkvm_host_mem_abort(&d->pkvm, s->in.x[1]);
	return dual_check(d, "host_mem_abort", s->rc, ref_rc, f);
}

static size_t format_result(const struct hvc_step *s, char *buf, size_t len)
{
	int w;

	if (s->in.kind == FZ_HVC_ABORT)
		w = snprintf(buf, len, "%d", s->rc);
	else if (s->out[0])
		w = snprintf(buf, len, "x0=%#llx (not supported)", (unsigned long long)s->out[0]);
	else
		w = snprintf(buf, len, "x0=0 x1=%lld", (long long)s->out[1]);
	return w < 0 ? 0 : (size_t)w;
}

static void print_step(FILE *out, unsigned i, const struct hvc_step *s)
{
	char line[256], res[64];

	fz_hvc_format(&s->in, line, sizeof(line));
	format_result(s, res, sizeof(res));
	fprintf(out, "%4u  %-100s -> %s\n", i, line, res);
}

/* dual_report's layout, with the registers of every call as the trace. */
static void report(const struct dual *d, const struct dual_failure *f)
{
	char line[256];

	fz_machine_format(&d->m, line, sizeof(line));
	fprintf(stderr, "==== s2fuzz: core and reference disagree ====\n%s\n", line);
	for (unsigned i = 0; i < trace_n; i++)
		print_step(stderr, i, &trace[i]);
	fprintf(stderr, "check: %s\n%s\n", f->check, f->detail);
	fprintf(stderr, "s2fuzz-signature: %s\n", f->signature);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct dual d;
	struct dual_failure f;
	struct fz_machine m;
	int rc;

	if (size < FZ_HEADER_SIZE)
		return 0;
	fz_decode_machine(data, &m);
	trace_n = 0;
	rc = dual_init(&d, &m, &f);
	if (rc < 0) {
		report(&d, &f);
		abort();
	}
	for (size_t off = FZ_HEADER_SIZE; rc == 0 && off + FZ_HVC_RECORD_SIZE <= size;
	     off += FZ_HVC_RECORD_SIZE) {
		struct hvc_step scratch,
			*s = trace_n < DUAL_TRACE_MAX ? &trace[trace_n++] : &scratch;
		bool ok;

		fz_hvc_decode(&m, data + off, &s->in);
		ok = s->in.kind == FZ_HVC_ABORT ? run_abort(&d, s, &f) : run_call(&d, s, &f);
		if (!ok) {
			report(&d, &f);
			abort();
		}
		if (s2fuzz_verbose)
			print_step(stdout, trace_n - 1, s);
	}
	dual_fini(&d);
	return 0;
}
