"""Write "<commit> <commit date>" into a linked heaplint binary's build stamp (issue 27).

The binary holds "HEAPLINT-BUILD-STAMP:" followed by zeros (Sources/CHeapSyntax/build_stamp.c); this
fills the zeros in place, so nothing moves. The commit date, not the clock, keeps the result reproducible:
building the same commit twice gives the same bytes. Without git (a build from the sdist) the binary is
left as it is; "-dirty" marks uncommitted changes to tracked files.
"""
import os
import subprocess
import sys

MARKER = b"HEAPLINT-BUILD-STAMP:"
SIZE = 96  # heaplint_build_stamp_bytes in Sources/CHeapSyntax/build_stamp.c


def git(*args: str) -> str:
    return subprocess.run(["git", *args], capture_output=True, text=True, check=True).stdout.strip()


def main(path: str) -> int:
    data = bytearray(open(path, "rb").read())
    at = data.find(MARKER)
    if at < 0 or data.find(MARKER, at + 1) >= 0:
        print(f"stamp-build: {path} does not hold exactly one build stamp", file=sys.stderr)
        return 1
    room = data[at + len(MARKER):at + SIZE]
    try:
        # Only this checkout's own commit: an unpacked sdist that happens to sit inside another repository
        # stays unstamped.
        if os.path.realpath(git("rev-parse", "--show-toplevel")) != os.path.realpath(os.getcwd()):
            return 0
        commit = git("rev-parse", "--short=9", "HEAD")
        date = git("log", "-1", "--format=%cs", "HEAD")
        dirty = subprocess.run(["git", "diff", "--quiet", "HEAD", "--"], capture_output=True).returncode != 0
    except (OSError, subprocess.CalledProcessError):
        return 0  # not a git checkout: the version alone
    stamp = f"{commit}{'-dirty' if dirty else ''} {date}".encode()
    assert len(stamp) < len(room), stamp
    # Written every time, over any earlier stamp: an incremental `make dist` that did not relink (no
    # source changed) still names the commit checked out now.
    with open(path, "r+b") as out:
        out.seek(at + len(MARKER))
        out.write(stamp.ljust(len(room), b"\0"))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
