"""`--fix` writes like a careful editor (issue 15): never over a file that changed during the run,
never over a file the user could not write, and the file keeps its identity (owner, group, mode,
extended attributes, hard links, symlinks).

The permission and ownership cases need root (the tests chown files to throwaway ids and run
heaplint as an unprivileged uid with `setpriv`); they are skipped elsewhere.
"""
import json
import os
import shutil
import stat
import subprocess
import tempfile
import time

import pytest

BIN = os.path.abspath(os.environ.get("HEAPLINT_BIN", ".build/debug/heaplint"))
FIX = ["check", "--isolated", "--no-cache", "--select", "HL002", "--output-format", "json", "--fix"]
BEFORE = b"x = 1  # noqa: HL101\ny = 2\n"
AFTER = b"x = 1\ny = 2\n"
USER = 4321  # the unprivileged user heaplint runs as
OTHER = 1234  # another user owning files
GROUP = 5678  # a group USER is not in

root_only = pytest.mark.skipif(os.geteuid() != 0 or shutil.which("setpriv") is None,
                               reason="needs root and setpriv to run as another user")


@pytest.fixture
def shared_dir():
    """A directory every uid can reach (pytest's tmp_path is private to root)."""
    path = tempfile.mkdtemp(prefix="heaplint-identity-")
    os.chmod(path, 0o755)
    yield path
    shutil.rmtree(path, ignore_errors=True)


def fix(paths, cwd, as_user=None):
    command = [BIN, *FIX, *paths]
    if as_user is not None:
        command = ["setpriv", f"--reuid={as_user}", f"--regid={as_user}", "--clear-groups", *command]
    proc = subprocess.run(command, cwd=cwd, capture_output=True, timeout=300)
    assert proc.returncode in (0, 1), proc.stderr[-2000:]
    return proc, json.loads(proc.stdout)


def hl003(items):
    return [i["message"] for i in items if i["code"] == "HL003"]


def write(path, data=BEFORE, mode=0o644, owner=None):
    with open(path, "wb") as f:
        f.write(data)
    if owner is not None:
        os.chown(path, *owner)
    os.chmod(path, mode)
    return os.stat(path)


def project(shared_dir, owner):
    """A directory owned (so writable) by `owner`: renaming over any file in it would be allowed."""
    path = os.path.join(shared_dir, "p")
    os.mkdir(path)
    os.chown(path, owner, owner)
    return path


@root_only
def test_root_owned_file_in_a_writable_directory_is_not_rewritten(shared_dir):
    p = project(shared_dir, USER)
    victim = os.path.join(p, "m.py")
    write(victim, owner=(0, 0), mode=0o644)
    proc, items = fix(["m.py"], p, as_user=USER)
    assert open(victim, "rb").read() == BEFORE
    info = os.stat(victim)
    assert (info.st_uid, info.st_gid) == (0, 0)
    assert proc.returncode == 1
    assert any("permission" in m for m in hl003(items)), items
    assert sorted(os.listdir(p)) == ["m.py"]  # no temporary file left


@root_only
def test_read_only_file_of_another_user_is_not_rewritten(shared_dir):
    p = project(shared_dir, USER)
    victim = os.path.join(p, "m.py")
    write(victim, owner=(OTHER, OTHER), mode=0o444)
    proc, items = fix(["m.py"], p, as_user=USER)
    assert open(victim, "rb").read() == BEFORE
    assert os.stat(victim).st_uid == OTHER
    assert proc.returncode == 1 and hl003(items)


@root_only
def test_owner_group_and_mode_are_kept_when_root_fixes(shared_dir):
    p = project(shared_dir, 0)
    victim = os.path.join(p, "m.py")
    write(victim, owner=(OTHER, GROUP), mode=0o640)
    proc, items = fix(["m.py"], p)
    assert open(victim, "rb").read() == AFTER
    info = os.stat(victim)
    assert (info.st_uid, info.st_gid, stat.S_IMODE(info.st_mode)) == (OTHER, GROUP, 0o640)
    assert proc.returncode == 0 and not items


@root_only
def test_group_the_user_cannot_give_is_kept_by_writing_in_place(shared_dir):
    """USER owns the file but is not in its group: a new file could not get that group, so the
    file is rewritten through its own inode."""
    p = project(shared_dir, USER)
    victim = os.path.join(p, "m.py")
    before = write(victim, owner=(USER, GROUP), mode=0o664)
    proc, items = fix(["m.py"], p, as_user=USER)
    assert open(victim, "rb").read() == AFTER
    info = os.stat(victim)
    assert (info.st_uid, info.st_gid, info.st_ino) == (USER, GROUP, before.st_ino)
    assert proc.returncode == 0


@root_only
def test_writable_file_in_a_read_only_directory_is_fixed_in_place(shared_dir):
    p = project(shared_dir, 0)
    os.chmod(p, 0o755)  # USER cannot create a temporary file here
    victim = os.path.join(p, "m.py")
    write(victim, owner=(USER, USER), mode=0o644)
    proc, items = fix(["m.py"], p, as_user=USER)
    assert open(victim, "rb").read() == AFTER
    assert proc.returncode == 0


def test_hard_links_stay_one_file(tmp_path):
    victim = tmp_path / "m.py"
    victim.write_bytes(BEFORE)
    os.link(victim, tmp_path / "alias.py.txt")
    inode = victim.stat().st_ino
    proc, items = fix(["m.py"], tmp_path)
    assert victim.read_bytes() == AFTER
    assert (tmp_path / "alias.py.txt").read_bytes() == AFTER
    assert victim.stat().st_ino == inode and victim.stat().st_nlink == 2


def test_extended_attributes_are_kept(tmp_path):
    victim = tmp_path / "m.py"
    victim.write_bytes(BEFORE)
    try:
        os.setxattr(victim, "user.heaplint-test", b"kept")
    except OSError:
        pytest.skip("no user extended attributes on this file system")
    fix(["m.py"], tmp_path)
    assert victim.read_bytes() == AFTER
    assert os.getxattr(victim, "user.heaplint-test") == b"kept"


def test_symlink_chain_stays_links(tmp_path):
    real = tmp_path / "real"
    real.mkdir()
    (real / "m.py").write_bytes(BEFORE)
    (tmp_path / "one.py").symlink_to(real / "m.py")
    (tmp_path / "two.py").symlink_to("one.py")
    fix(["two.py"], tmp_path)
    assert (real / "m.py").read_bytes() == AFTER
    assert os.readlink(tmp_path / "two.py") == "one.py" and os.readlink(tmp_path / "one.py") == str(real / "m.py")
    assert sorted(os.listdir(real)) == ["m.py"]


def big_fixable_module(lines):
    return b"".join(b"x%d = %d  # noqa: HL101\n" % (i, i) for i in range(lines))


@pytest.mark.skipif(not os.environ.get("HEAPLINT_RACE_TESTS"), reason=(
    "timing race: lost 1 of 3 CI runs on the shared 2-core machine (the edit landed after heaplint's last "
    "check, see issue 15's note); the fsync-shim test below covers the re-check deterministically; set "
    "HEAPLINT_RACE_TESTS=1 to run it"))
def test_edit_during_the_run_is_not_lost(tmp_path):
    """A real race, made deterministic: a module big enough that fixing it takes seconds; the test
    waits until heaplint has read all of it (its read count in /proc/PID/io), then appends a line
    the way an editor's save would, while heaplint is still applying fixes. heaplint must see the
    change when it looks again before replacing, leave the file alone and say so (HL003, exit 1)."""
    data = big_fixable_module(60_000)
    victim = tmp_path / "big.py"
    victim.write_bytes(data)
    proc = subprocess.Popen([BIN, *FIX, "big.py"], cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.time() + 60
    while time.time() < deadline and proc.poll() is None:
        try:
            with open(f"/proc/{proc.pid}/io") as f:
                rchar = int(next(line for line in f if line.startswith("rchar:")).split()[1])
        except (OSError, StopIteration):
            rchar = 0
        if rchar >= len(data):
            break
        time.sleep(0.005)
    if proc.poll() is not None:
        pytest.fail("heaplint finished before the edit could be made; the module is too small for this machine")
    with open(victim, "ab") as f:
        f.write(b"added_by_the_editor = 1\n")
    out, err = proc.communicate(timeout=300)
    # Compared by length and tail: a failing assert on 1.5 MB of bytes makes pytest's diff run for minutes.
    content = victim.read_bytes()
    assert len(content) == len(data) + 24 and content.endswith(b"added_by_the_editor = 1\n"), "the edit was lost"
    assert proc.returncode == 1, err[-2000:]
    assert any("changed on disk" in m for m in hl003(json.loads(out)))
    assert sorted(os.listdir(tmp_path)) == ["big.py"]


SAVE_DURING_FSYNC_C = r"""
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
/* When heaplint fsyncs its temporary copy (the last step before it looks again and renames),
   append a line to the file named in SAVE_DURING_FSYNC, as an editor's save at that moment would. */
int fsync(int fd) {
    static int (*real_fsync)(int);
    if (!real_fsync) real_fsync = (int (*)(int))dlsym(RTLD_NEXT, "fsync");
    char link[64], target[4096];
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    ssize_t n = readlink(link, target, sizeof target - 1);
    const char *victim = getenv("SAVE_DURING_FSYNC");
    if (n > 0 && victim) {
        target[n] = 0;
        if (strstr(target, ".heaplint-")) {
            int v = open(victim, O_WRONLY | O_APPEND);
            if (v >= 0) { write(v, "saved = 1\n", 10); close(v); }
        }
    }
    return real_fsync(fd);
}
"""


def test_edit_between_writing_and_renaming_is_not_lost(tmp_path):
    """The narrowest window: the edit lands after heaplint wrote its temporary copy, just before the
    rename (an LD_PRELOAD shim makes the save at that exact moment; heaplint has no test hook)."""
    if shutil.which("cc") is None:
        pytest.skip("no C compiler for the shim")
    shim_c = tmp_path / "save.c"
    shim_c.write_text(SAVE_DURING_FSYNC_C)
    shim = tmp_path / "save.so"
    subprocess.run(["cc", "-shared", "-fPIC", "-o", str(shim), str(shim_c), "-ldl"], check=True)
    p = tmp_path / "p"
    p.mkdir()
    victim = p / "m.py"
    victim.write_bytes(BEFORE)
    env = dict(os.environ, LD_PRELOAD=str(shim), SAVE_DURING_FSYNC=str(victim))
    proc = subprocess.run([BIN, *FIX, "m.py"], cwd=p, env=env, capture_output=True, timeout=120)
    assert victim.read_bytes() == BEFORE + b"saved = 1\n"
    assert proc.returncode == 1
    assert any("changed on disk" in m for m in hl003(json.loads(proc.stdout)))
    assert sorted(os.listdir(p)) == ["m.py"]


APPEND_AT_C = r"""
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>
/* Appends a line to the file named in APPEND_TO, as another program's write would, at the moment
   named in APPEND_AT: "rename" (after heaplint's last look, just before its rename replaces the
   file) or "pwrite" (while it rewrites a hard-linked file in place). Once per process. */
static int done;
static void append(void) {
    const char *victim = getenv("APPEND_TO");
    if (done || !victim) return;
    done = 1;
    int v = open(victim, O_WRONLY | O_APPEND);
    if (v >= 0) { write(v, "saved = 1\n", 10); close(v); }
}
static int at(const char *moment) {
    const char *when = getenv("APPEND_AT");
    return when && strcmp(when, moment) == 0;
}
int rename(const char *from, const char *to) {
    static int (*real)(const char *, const char *);
    if (!real) real = (int (*)(const char *, const char *))dlsym(RTLD_NEXT, "rename");
    if (at("rename") && strstr(from, ".heaplint-")) append();
    return real(from, to);
}
ssize_t pwrite(int fd, const void *buffer, size_t count, off_t offset) {
    static ssize_t (*real)(int, const void *, size_t, off_t);
    if (!real) real = (ssize_t (*)(int, const void *, size_t, off_t))dlsym(RTLD_NEXT, "pwrite");
    char link[64], target[4096];
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    ssize_t n = readlink(link, target, sizeof target - 1);
    const char *victim = getenv("APPEND_TO");
    if (n > 0 && victim && at("pwrite")) {
        target[n] = 0;
        char real_victim[4096];
        if (realpath(victim, real_victim) && strcmp(target, real_victim) == 0) append();
    }
    return real(fd, buffer, count, offset);
}
"""


def append_shim(tmp_path):
    if shutil.which("cc") is None:
        pytest.skip("no C compiler for the shim")
    shim_c = tmp_path / "append.c"
    shim_c.write_text(APPEND_AT_C)
    shim = tmp_path / "append.so"
    subprocess.run(["cc", "-shared", "-fPIC", "-o", str(shim), str(shim_c), "-ldl"], check=True)
    return shim


def test_write_in_the_instant_before_the_rename_is_reported(tmp_path):
    """Issue 26: a write that lands after heaplint's last look and before its rename(2) goes with the
    old inode. heaplint cannot stop it, but it sees it (the old inode, still open, grew) and says so:
    the fixes are written, and HL003 asks for a re-run (exit 1)."""
    shim = append_shim(tmp_path)
    p = tmp_path / "p"
    p.mkdir()
    victim = p / "m.py"
    victim.write_bytes(BEFORE)
    env = dict(os.environ, LD_PRELOAD=str(shim), APPEND_AT="rename", APPEND_TO=str(victim))
    proc = subprocess.run([BIN, *FIX, "m.py"], cwd=p, env=env, capture_output=True, timeout=120)
    assert victim.read_bytes() == AFTER  # what remains: the append went with the replaced inode
    assert proc.returncode == 1, proc.stderr[-2000:]
    messages = hl003(json.loads(proc.stdout))
    assert len(messages) == 1 and "changed during the fix; re-run" in messages[0], messages
    assert sorted(os.listdir(p)) == ["m.py"]


def test_append_during_an_in_place_rewrite_is_reported(tmp_path):
    """A hard-linked file is rewritten in place (pwrite, then ftruncate). An append that lands
    between heaplint's last look and its write makes the file longer than either version: heaplint
    does not truncate it away, and reports HL003 instead of "fixed"."""
    shim = append_shim(tmp_path)
    victim = tmp_path / "m.py"
    victim.write_bytes(BEFORE)
    os.link(victim, tmp_path / "other-name.py")
    env = dict(os.environ, LD_PRELOAD=str(shim), APPEND_AT="pwrite", APPEND_TO=str(victim))
    proc = subprocess.run([BIN, *FIX, "m.py"], cwd=tmp_path, env=env, capture_output=True, timeout=120)
    content = victim.read_bytes()
    assert content.endswith(b"saved = 1\n"), content  # the appended line is still there
    assert os.stat(victim).st_nlink == 2
    assert proc.returncode == 1, proc.stderr[-2000:]
    messages = hl003(json.loads(proc.stdout))
    assert len(messages) == 1 and "changed during the fix; re-run" in messages[0], messages


def test_append_shim_without_a_race_changes_nothing(tmp_path):
    """The control: the same shim, with no moment chosen, lets both paths fix the file normally."""
    shim = append_shim(tmp_path)
    victim = tmp_path / "m.py"
    victim.write_bytes(BEFORE)
    linked = tmp_path / "n.py"
    linked.write_bytes(BEFORE)
    os.link(linked, tmp_path / "n2.py")
    env = dict(os.environ, LD_PRELOAD=str(shim), APPEND_TO=str(victim))
    proc = subprocess.run([BIN, *FIX, "m.py", "n.py"], cwd=tmp_path, env=env, capture_output=True, timeout=120)
    assert proc.returncode == 0, proc.stdout
    assert victim.read_bytes() == AFTER and linked.read_bytes() == AFTER
