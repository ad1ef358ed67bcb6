"""Start a command and report how it ended, its peak memory and its wall time, to a JSON file.

    python -I -S launcher.py REPORT.json COMMAND [ARGS...]

Why a launcher: on Linux a process's peak-RSS record survives exec, so a command started
straight from mlsmoke (hundreds of MB once pyarrow is loaded) would report at least mlsmoke's
own size. This small process, started from mlsmoke, starts the command itself: the command's
record then begins near this script's few MB, and `wait4` gives its true peak (the largest
resident set of the command and the children it waited for). The wall time is the command's
own, from the fork to its end, without this script's start-up.

Standard library only; run with `-I -S` so it starts in milliseconds. It stays in the
command's process group, so killing the group on a timeout kills it too (no report then).
"""

import json
import os
import sys
import time

EXIT_NOT_FOUND = 127


def main(argv):
    report_path, command = argv[1], argv[2:]
    started = time.perf_counter()
    pid = os.fork()
    if pid == 0:
        try:
            os.execvp(command[0], command)
        except OSError as exc:
            write_report(report_path, {"start_error": command[0] + ": " + (exc.strerror or str(exc))})
        os._exit(EXIT_NOT_FOUND)
    _, status, usage = os.wait4(pid, 0)
    wall_s = time.perf_counter() - started
    if not os.path.exists(report_path):  # the child wrote a start error
        write_report(report_path, {"wait_status": status, "maxrss_kb": usage.ru_maxrss, "wall_s": wall_s})
    return 0


def write_report(path, report):
    partial = path + ".partial"
    with open(partial, "w", encoding="utf-8") as handle:
        json.dump(report, handle)
    os.replace(partial, path)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
