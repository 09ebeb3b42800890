// SPDX-License-Identifier: GPL-2.0-only
/*
 * Seed generator for the fuzz corpora (run by gen-corpus.sh).
 *
 * It is linked with the host unit tests (selftests/host/test_hvk_dt.c),
 * compiled with hvk_dt_select renamed to seed_capture_select and
 * ktest_register to seed_register: every tree a unit test hands to the
 * parser, valid or malformed, passes through here first and is written
 * out, named after the test, as
 *
 *   fuzz_dt_blob/<test>[-N]      the blob itself
 *   fuzz_dt_props/<test>[-N]     the same tree as a dtgen program
 *   fuzz_hcall_insns/<test>[-N]  each hcall-instructions value in it
 *
 * Identical seeds are written once. Each dtgen program is built back into
 * a tree and must give the same result as the original on every
 * architecture, which keeps dtgen's encoder and decoder in step. Blobs
 * given on the command line (made by dtc from dts/) are added the same
 * way, followed by a few blobs that libfdt must refuse.
 *
 * usage: gen_seeds OUTDIR [NAME=FILE.dtb...]
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <libfdt.h>

#include "dtb_builder.h"
#include "dtgen.h"
#include "fdt_reader.h"
#include "hvk_dt.h"
#include "ktest.h"

int seed_capture_select(const struct hvk_dt_ops *ops, void *ctx,
			enum hvk_arch arch, struct hvk_dt_config *cfg);
void seed_register(const char *name, ktest_fn fn);

#define MAX_TESTS	512
#define MAX_SEEDS	4096

static struct {
	const char *name;
	ktest_fn fn;
} tests[MAX_TESTS];
static unsigned int nr_tests;

struct seed {
	char *dir;
	void *data;
	size_t len;
};

static struct seed seeds[MAX_SEEDS];
static unsigned int nr_seeds;
static const char *outdir;
static const char *current = "seed";
static unsigned int mismatches;

void seed_register(const char *name, ktest_fn fn)
{
	if (nr_tests == MAX_TESTS) {
		fprintf(stderr, "gen_seeds: too many tests\n");
		exit(2);
	}
	tests[nr_tests].name = name;
	tests[nr_tests].fn = fn;
	nr_tests++;
}

static void __attribute__((noreturn)) die(const char *what)
{
	perror(what);
	exit(2);
}

/* Write @data to OUTDIR/@dir/<current>[-N] unless the same bytes are there. */
static void emit(const char *dir, const void *data, size_t len)
{
	unsigned int i, n = 1;
	char path[512];
	FILE *f;

	for (i = 0; i < nr_seeds; i++) {
		if (strcmp(seeds[i].dir, dir))
			continue;
		if (seeds[i].len == len && !memcmp(seeds[i].data, data, len))
			return;
	}
	if (nr_seeds == MAX_SEEDS) {
		fprintf(stderr, "gen_seeds: too many seeds\n");
		exit(2);
	}
	seeds[nr_seeds].dir = strdup(dir);
	seeds[nr_seeds].data = malloc(len ? len : 1);
	seeds[nr_seeds].len = len;
	if (!seeds[nr_seeds].dir || !seeds[nr_seeds].data)
		die("malloc");
	memcpy(seeds[nr_seeds].data, data, len);
	nr_seeds++;

	for (;;) {
		if (n == 1)
			snprintf(path, sizeof(path), "%s/%s/%s", outdir, dir,
				 current);
		else
			snprintf(path, sizeof(path), "%s/%s/%s-%u", outdir,
				 dir, current, n);
		f = fopen(path, "wbx");
		if (f)
			break;
		if (errno != EEXIST)
			die(path);
		n++;
	}
	if (len && fwrite(data, len, 1, f) != 1)
		die(path);
	if (fclose(f))
		die(path);
}

/* Results of the parser that a dtgen program must reproduce. */
struct summary {
	int ret[3];
	int method[3];
	int backend[3];
	unsigned int children[3], skipped[3];
};

static void summarize(const void *fdt, size_t size, struct summary *s)
{
	static const enum hvk_arch arches[] = {
		HVK_ARCH_POWERPC, HVK_ARCH_ARM64, HVK_ARCH_OTHER,
	};
	static struct hvk_dt_config cfg;
	struct hvk_fdt_reader r;
	int i;

	memset(s, 0, sizeof(*s));
	if (hvk_fdt_reader_init(&r, fdt, size)) {
		s->ret[0] = 1;
		return;
	}
	for (i = 0; i < 3; i++) {
		s->ret[i] = hvk_dt_select(&hvk_fdt_ops, &r, arches[i], &cfg);
		s->method[i] = cfg.method;
		s->backend[i] = cfg.backend;
		s->children[i] = cfg.nr_children;
		s->skipped[i] = cfg.nr_skipped;
	}
}

static void add_tree(const void *fdt)
{
	static uint8_t prog[64 * 1024];
	static struct dtb rebuilt;
	struct summary a, b;
	const void *back;
	int node, len;
	size_t plen;

	emit("fuzz_dt_blob", fdt, fdt_totalsize(fdt));

	fdt_for_each_subnode(node, fdt, 0) {
		const void *v = fdt_getprop(fdt, node, "hcall-instructions",
					    &len);

		if (v)
			emit("fuzz_hcall_insns", v, len);
	}

	plen = dtgen_encode(fdt, prog, sizeof(prog));
	if (plen > sizeof(prog)) {
		fprintf(stderr, "gen_seeds: %s: program too long\n", current);
		mismatches++;
		return;
	}
	back = dtgen_build(prog, plen, &rebuilt);
	summarize(fdt, fdt_totalsize(fdt), &a);
	if (back)
		summarize(back, sizeof(rebuilt.buf), &b);
	if (!back || memcmp(&a, &b, sizeof(a))) {
		fprintf(stderr,
			"gen_seeds: %s: the dtgen program gives another result (%d %d %d, not %d %d %d)\n",
			current, b.ret[0], b.ret[1], b.ret[2], a.ret[0],
			a.ret[1], a.ret[2]);
		mismatches++;
		return;
	}
	emit("fuzz_dt_props", prog, plen);
}

int seed_capture_select(const struct hvk_dt_ops *ops, void *ctx,
			enum hvk_arch arch, struct hvk_dt_config *cfg)
{
	if (ops == &hvk_fdt_ops && ctx &&
	    ((struct hvk_fdt_reader *)ctx)->fdt)
		add_tree(((struct hvk_fdt_reader *)ctx)->fdt);
	return hvk_dt_select(ops, ctx, arch, cfg);
}

static void *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	if (!f || fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET))
		die(path);
	buf = malloc(n ? n : 1);
	if (!buf || (n && fread(buf, n, 1, f) != 1))
		die(path);
	fclose(f);
	*len = (size_t)n;
	return buf;
}

/* Blobs libfdt must refuse: each damages a copy of @fdt in one way. */
static void add_broken(const void *fdt)
{
	size_t len = fdt_totalsize(fdt);
	char *b = malloc(len);

	if (!b)
		die("malloc");
	current = "broken-magic";
	memcpy(b, fdt, len);
	b[0] ^= 0xff;
	emit("fuzz_dt_blob", b, len);

	current = "broken-truncated";
	memcpy(b, fdt, len);
	emit("fuzz_dt_blob", b, len / 2);

	current = "broken-header-only";
	emit("fuzz_dt_blob", b, sizeof(struct fdt_header));

	current = "broken-strings-offset";
	fdt_set_off_dt_strings(b, len - 4);
	emit("fuzz_dt_blob", b, len);

	current = "broken-struct-size";
	memcpy(b, fdt, len);
	fdt_set_size_dt_struct(b, fdt_size_dt_struct(fdt) - 8);
	emit("fuzz_dt_blob", b, len);
	free(b);
}

static void add_insns(void)
{
	static const struct {
		const char *name;
		unsigned int len;
		uint8_t v[20];
	} extra[] = {
		{ "insns-empty", 0, { 0 } },
		{ "insns-kvm-sc0-3", 12, { 0x3c, 0, 0x4b, 0x56, 0x60, 0, 0x4d,
					   0x52, 0x44, 0, 0, 0x02 } },
		{ "insns-hvc-le", 4, { 0x02, 0, 0, 0xd4 } },
		{ "insns-smc-4-nops", 20, { 0xd4, 0, 0, 0x03, 0xd5, 0x03, 0x20,
					    0x1f, 0xd5, 0x03, 0x20, 0x1f, 0xd5,
					    0x03, 0x20, 0x1f, 0xd5, 0x03, 0x20,
					    0x1f } },
	};
	unsigned int i;

	for (i = 0; i < sizeof(extra) / sizeof(extra[0]); i++) {
		current = extra[i].name;
		emit("fuzz_hcall_insns", extra[i].v, extra[i].len);
	}
}

int main(int argc, char **argv)
{
	unsigned int i, failures = 0;
	void *blobs[64];
	int a, nr_blobs = 0;
	char path[512];

	if (argc < 2 || argc - 2 > 64) {
		fprintf(stderr, "usage: %s OUTDIR [NAME=FILE.dtb...]\n",
			argv[0]);
		return 2;
	}
	outdir = argv[1];
	mkdir(outdir, 0755);
	snprintf(path, sizeof(path), "%s/fuzz_dt_blob", outdir);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/fuzz_dt_props", outdir);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/fuzz_hcall_insns", outdir);
	mkdir(path, 0755);

	for (a = 2; a < argc; a++) {
		char *eq = strchr(argv[a], '=');
		size_t len;
		void *fdt;

		if (!eq) {
			fprintf(stderr, "gen_seeds: %s: not NAME=FILE\n",
				argv[a]);
			return 2;
		}
		*eq = '\0';
		current = argv[a];
		fdt = read_file(eq + 1, &len);
		if (fdt_check_full(fdt, len)) {
			fprintf(stderr, "gen_seeds: %s: not a valid blob\n",
				eq + 1);
			return 2;
		}
		add_tree(fdt);
		blobs[nr_blobs++] = fdt;
	}

	/* Every unit test, under its own name. */
	for (i = 0; i < nr_tests; i++) {
		unsigned int before = ktest_failures();

		current = tests[i].name;
		tests[i].fn();
		if (ktest_failures() != before) {
			fprintf(stderr, "gen_seeds: unit test %s failed\n",
				tests[i].name);
			failures++;
		}
	}

	if (nr_blobs)
		add_broken(blobs[0]);
	add_insns();
	while (nr_blobs)
		free(blobs[--nr_blobs]);

	printf("gen_seeds: %u tests, %u seeds, %u round-trip mismatches\n",
	       nr_tests, nr_seeds, mismatches);
	return failures || mismatches || !nr_tests ? 1 : 0;
}
