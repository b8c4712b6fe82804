/*
 * A main for fuzz targets built without libFuzzer: runs the target once
 * on each file named (directories are walked one level deep), or on
 * standard input when none is named.  This is how ctest replays the
 * corpus in every build.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "ctl_err.h"
#include "file_io.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_MAX_INPUT (4u * 1024 * 1024)

static int
run_file(const char *path)
{
	uint8_t *buf = NULL;
	size_t len;
	struct ctl_diag d;

	if (file_read_limited(path, FUZZ_MAX_INPUT, &buf, &len, &d) != CTL_OK) {
		fprintf(stderr, "%s\n", d.msg);
		return 1;
	}
	LLVMFuzzerTestOneInput(buf, len);
	free(buf);
	return 0;
}

int
main(int argc, char **argv)
{
	struct stat st;
	struct dirent *de;
	DIR *dir;
	char path[4096];
	int i, failed = 0, runs = 0;

	if (argc < 2)
		return run_file("-");
	for (i = 1; i < argc; i++) {
		if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode)) {
			if ((dir = opendir(argv[i])) == NULL)
				return 1;
			while ((de = readdir(dir)) != NULL) {
				if (de->d_name[0] == '.')
					continue;
				snprintf(path, sizeof(path), "%s/%s", argv[i],
				    de->d_name);
				failed |= run_file(path);
				runs++;
			}
			closedir(dir);
		} else {
			failed |= run_file(argv[i]);
			runs++;
		}
	}
	printf("%d inputs run\n", runs);
	return failed || runs == 0;
}
