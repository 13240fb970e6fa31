#!/usr/bin/env python3
"""tests/bench/bench.py: times Ferry against curl and lftp on one FTP server, side by side.

Run by tests/bench/run.sh, which starts the server and builds Ferry; this script only measures.
Each case runs Ferry and the reference tool alternately (A B A B ...), as whole processes, and
reports the median wall time and CPU time (user + sys of the process and its children) of each,
and their ratio. Exits 0 whatever the ratios: the table is the result; goals are printed beside.

Environment (from run.sh): FERRY, FTP_HOST, FTP_PORT, FTP_USER, FTP_PASS, FTP_ROOT,
FTP_CERT_SHA256, WORK (scratch folder), RUNS, BIG_MIB, SMALL_FILES, CASES (space-separated case
names, empty for all), PARALLEL; for the long-link cases (skipped without LONG_CLI_NS) LONG_CLI_NS,
LONG_SRV_NS, LONG_IF_CLI, LONG_IF_SRV, LONG_HOST, LONG_MIB, LOSSY_MIB, LONG_FILES.
"""

import hashlib
import os
import shutil
import signal
import statistics
import subprocess
import sys
import time
import urllib.parse

ENV = os.environ
FERRY = ENV["FERRY"]
HOST, PORT = ENV["FTP_HOST"], ENV["FTP_PORT"]
USER, PASSWORD = ENV["FTP_USER"], ENV["FTP_PASS"]
ROOT = ENV["FTP_ROOT"]
FINGERPRINT = ENV.get("FTP_CERT_SHA256", "")
WORK = ENV["WORK"]
RUNS = int(ENV.get("RUNS", "5"))
BIG_MIB = int(ENV.get("BIG_MIB", "512"))
SMALL_FILES = int(ENV.get("SMALL_FILES", "1000"))
PARALLEL = int(ENV.get("PARALLEL", "4"))
HARD_LIMIT = 900  # seconds: no single run may take longer than this
LONG_NS = ENV.get("LONG_CLI_NS", "")
LONG_HOST = ENV.get("LONG_HOST", "")
LONG_MIB = int(ENV.get("LONG_MIB", "256"))
LOSSY_MIB = int(ENV.get("LOSSY_MIB", "32"))
LONG_FILES = int(ENV.get("LONG_FILES", "200"))


def url(scheme, path, host=HOST):
    user = urllib.parse.quote(USER, safe="")
    return f"{scheme}://{user}@{host}:{PORT}/{path}"


def curl_url(path, host=HOST):
    user = urllib.parse.quote(USER, safe="")
    pw = urllib.parse.quote(PASSWORD, safe="")
    return f"ftp://{user}:{pw}@{host}:{PORT}/{path}"


def lftp(commands, tls=False, host=HOST):
    settings = "set net:max-retries 1; set cmd:fail-exit yes; "
    if tls:
        settings += "set ftp:ssl-force true; set ftp:ssl-protect-data true; "
        settings += "set ssl:verify-certificate no; "
    else:
        settings += "set ftp:ssl-allow false; "
    opener = f"open -u '{USER}','{PASSWORD}' -p {PORT} {host}; "
    return ["lftp", "-c", settings + opener + commands]


def ferry_opts(tls):
    opts = ["--on-exists", "overwrite", "--parallel", str(PARALLEL)]
    if tls:
        opts += ["--trust", FINGERPRINT]
    return opts


def run(argv, prepare):
    """One run of `argv` after `prepare` reset the destination: its wall time in seconds.
    Everything written before is flushed to the disk first (the test data, the other tool's
    unflushed output): otherwise the kernel writes it back 30 s later, in whichever run that
    falls on (a 256 MiB download ran at half speed while 256 MiB of test data was written)."""
    prepare()
    os.sync()
    env = dict(ENV, FERRY_PASSWORD=PASSWORD)
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    try:
        _, stderr = proc.communicate(timeout=HARD_LIMIT)
    except subprocess.TimeoutExpired:
        proc.kill()
        raise SystemExit(f"bench: {argv[0]} took longer than {HARD_LIMIT} s")
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"bench: {' '.join(argv[:3])}... failed ({proc.returncode}): "
                         f"{stderr.decode(errors='replace')[-500:]}")
    return wall


def timed(argv, prepare):
    """(wall seconds, CPU seconds) of one run; the CPU time of the reaped child process."""
    before = os.times()
    wall = run(argv, prepare)
    after = os.times()
    cpu = (after.children_user - before.children_user) + (after.children_system - before.children_system)
    return wall, cpu


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def tree_digest(folder):
    names = []
    for dirpath, _, files in os.walk(folder):
        for name in files:
            full = os.path.join(dirpath, name)
            names.append((os.path.relpath(full, folder), os.path.getsize(full)))
    return sorted(names)


# A folder of the previous run is moved aside, not deleted, and the moved folders go when the
# benchmark ends: on ext4 without a journal (this machine kind's root file system) a new file
# is given a free inode only after every inode freed in the last minute is read and skipped,
# so deleting 1,000 files just before a run made each of its 1,000 creations scan past them,
# for whichever tool ran next; that cost, not the tool, was then most of the case's time.
TRASH = []


def remove(path):
    if os.path.isdir(path):
        trash = os.path.join(os.path.dirname(path), ".bench-trash")
        os.makedirs(trash, exist_ok=True)
        if trash not in TRASH:
            TRASH.append(trash)
        os.rename(path, os.path.join(trash, f"{len(os.listdir(trash))}"))
    elif os.path.exists(path):
        os.remove(path)


def empty_trash():
    for trash in TRASH:
        shutil.rmtree(trash, ignore_errors=True)


def random_file(path, mib):
    if not os.path.exists(path) or os.path.getsize(path) != mib << 20:
        with open(path, "wb") as f:
            for _ in range(mib):
                f.write(os.urandom(1 << 20))


def small_tree(folder, count):
    if not os.path.isdir(folder) or len(os.listdir(folder)) != 10:
        remove(folder)
        for i in range(count):
            sub = os.path.join(folder, f"d{i % 10}")
            os.makedirs(sub, exist_ok=True)
            with open(os.path.join(sub, f"f{i:05}.txt"), "wb") as f:
                f.write(os.urandom(4096))


def make_data():
    big = os.path.join(WORK, "big.bin")
    random_file(big, BIG_MIB)
    small = os.path.join(WORK, "small")
    small_tree(small, SMALL_FILES)
    # The server's copies, for the downloads.
    shutil.copyfile(big, os.path.join(ROOT, "big.bin"))
    remove(os.path.join(ROOT, "small"))
    shutil.copytree(small, os.path.join(ROOT, "small"))
    if LONG_NS:
        for name, mib in (("long.bin", LONG_MIB), ("lossy.bin", LOSSY_MIB)):
            random_file(os.path.join(WORK, name), mib)
            shutil.copyfile(os.path.join(WORK, name), os.path.join(ROOT, name))
        small_tree(os.path.join(WORK, "lsmall"), LONG_FILES)
        remove(os.path.join(ROOT, "lsmall"))
        shutil.copytree(os.path.join(WORK, "lsmall"), os.path.join(ROOT, "lsmall"))
    owner = os.stat(ROOT)
    for dirpath, dirs, files in os.walk(ROOT):
        for name in dirs + files:
            os.chown(os.path.join(dirpath, name), owner.st_uid, owner.st_gid)
    return big, small


def cases(big, small):
    local_big = os.path.join(WORK, "got.bin")
    local_small = os.path.join(WORK, "got-small")
    remote_put = os.path.join(ROOT, "put.bin")
    remote_small = os.path.join(ROOT, "put-small")
    big_sum = sha256(big)
    small_tree = tree_digest(small)

    def check_big(path):
        return lambda: sha256(path) == big_sum

    def check_tree(path):
        return lambda: tree_digest(path) == small_tree

    def fresh(path, mkdir=False):
        def prepare():
            remove(path)
            if mkdir:
                os.makedirs(path)
                st = os.stat(ROOT)
                os.chown(path, st.st_uid, st.st_gid)
        return prepare

    pw = urllib.parse.quote(PASSWORD, safe="")
    user = urllib.parse.quote(USER, safe="")
    yield ("get", f"{BIG_MIB} MiB download", 0.95, "curl",
           [FERRY, "get", url("ftp", "big.bin"), local_big] + ferry_opts(False),
           ["curl", "-sS", "-o", local_big, curl_url("big.bin")],
           fresh(local_big), check_big(local_big))
    yield ("put", f"{BIG_MIB} MiB upload", 0.95, "curl",
           [FERRY, "put", big, url("ftp", "put.bin")] + ferry_opts(False),
           ["curl", "-sS", "-T", big, curl_url("put.bin")],
           fresh(remote_put), check_big(remote_put))
    yield ("get-tls", f"{BIG_MIB} MiB download, FTPS", 0.95, "curl",
           [FERRY, "get", url("ftpes", "big.bin"), local_big] + ferry_opts(True),
           ["curl", "-sS", "--ssl-reqd", "-k", "-o", local_big,
            f"ftp://{user}:{pw}@{HOST}:{PORT}/big.bin"],
           fresh(local_big), check_big(local_big))
    yield ("put-tls", f"{BIG_MIB} MiB upload, FTPS", 0.95, "curl",
           [FERRY, "put", big, url("ftpes", "put.bin")] + ferry_opts(True),
           ["curl", "-sS", "--ssl-reqd", "-k", "-T", big,
            f"ftp://{user}:{pw}@{HOST}:{PORT}/put.bin"],
           fresh(remote_put), check_big(remote_put))
    yield ("small-put", f"{SMALL_FILES} x 4 KiB upload, parallel {PARALLEL}", 0.8, "lftp",
           [FERRY, "put", "-r", small, url("ftp", "put-small")] + ferry_opts(False),
           lftp(f"mirror -R --parallel={PARALLEL} {small} put-small"),
           fresh(remote_small), check_tree(remote_small))
    yield ("small-get", f"{SMALL_FILES} x 4 KiB download, parallel {PARALLEL}", 0.8, "lftp",
           [FERRY, "get", "-r", url("ftp", "small"), local_small] + ferry_opts(False),
           lftp(f"mirror --parallel={PARALLEL} small {local_small}"),
           fresh(local_small), check_tree(local_small))
    yield ("small-put-tls", f"{SMALL_FILES} x 4 KiB upload, FTPS, parallel {PARALLEL}", 0.8,
           "lftp",
           [FERRY, "put", "-r", small, url("ftpes", "put-small")] + ferry_opts(True),
           lftp(f"mirror -R --parallel={PARALLEL} {small} put-small", tls=True),
           fresh(remote_small), check_tree(remote_small))
    yield ("small-get-tls", f"{SMALL_FILES} x 4 KiB download, FTPS, parallel {PARALLEL}", 0.8,
           "lftp",
           [FERRY, "get", "-r", url("ftpes", "small"), local_small] + ferry_opts(True),
           lftp(f"mirror --parallel={PARALLEL} small {local_small}", tls=True),
           fresh(local_small), check_tree(local_small))
    # `ferry mirror` against `lftp mirror`: the same trees as small-get/small-put, then a rerun
    # over a complete copy (nothing to transfer: two listings and a comparison).
    yield ("mirror-put", f"mirror {SMALL_FILES} x 4 KiB up, parallel {PARALLEL}", 1.0, "lftp",
           [FERRY, "mirror", small, url("ftp", "put-small")] + ferry_opts(False),
           lftp(f"mirror -R --parallel={PARALLEL} {small} put-small"),
           fresh(remote_small), check_tree(remote_small))
    yield ("mirror-get", f"mirror {SMALL_FILES} x 4 KiB down, parallel {PARALLEL}", 1.0, "lftp",
           [FERRY, "mirror", url("ftp", "small"), local_small] + ferry_opts(False),
           lftp(f"mirror --parallel={PARALLEL} small {local_small}"),
           fresh(local_small), check_tree(local_small))
    yield ("mirror-get-again", f"mirror {SMALL_FILES} files down, all up to date", 1.0, "lftp",
           [FERRY, "mirror", url("ftp", "small"), local_small] + ferry_opts(False),
           lftp(f"mirror --parallel={PARALLEL} small {local_small}"),
           complete_copy(small, local_small), check_tree(local_small))


def complete_copy(source, path):
    """A prepare step: `path` holds the whole tree already (copied once, then kept)."""
    def prepare():
        if tree_digest(path) != tree_digest(source):
            remove(path)
            shutil.copytree(source, path)
    return prepare


def set_link(loss):
    """netem on both veth ends: 25 ms each way (50 ms round trip), with `loss` % loss. The
    queue limit is raised so that it is the delay, not netem's 1,000-packet queue, that bounds
    what the streams have in flight. Without netem, delayline.py is told the loss instead."""
    if ENV.get("LONG_LINK") == "delayline":
        with open(ENV["DELAYLINE_LOSS"], "w") as f:
            f.write(str(loss))
        os.kill(int(ENV["DELAYLINE_PID"]), signal.SIGUSR1)
        time.sleep(0.2)
        return
    for ns, dev in ((LONG_NS, ENV["LONG_IF_CLI"]), (ENV["LONG_SRV_NS"], ENV["LONG_IF_SRV"])):
        netem = ["delay", "25ms", "limit", "100000"] + (["loss", f"{loss}%"] if loss else [])
        subprocess.run(["ip", "netns", "exec", ns, "tc", "qdisc", "replace", "dev", dev,
                        "root", "netem"] + netem, check=True, timeout=30)


def long_cases():
    """The long-link cases: clients in the client namespace, the server across the veth."""
    inside = ["ip", "netns", "exec", LONG_NS]
    host = LONG_HOST
    local = os.path.join(WORK, "got-long.bin")
    local_small = os.path.join(WORK, "got-lsmall")
    tree = tree_digest(os.path.join(WORK, "lsmall"))
    seg = ferry_opts(False) + ["--segments", "4"]

    def fresh(path):
        return lambda: remove(path)

    for case, name, mib, loss in (("long", "long.bin", LONG_MIB, 0),
                                  ("lossy", "lossy.bin", LOSSY_MIB, 1)):
        link = f"50 ms RTT{', 1 % loss' if loss else ''}"
        digest = sha256(os.path.join(WORK, name))
        check = (lambda d: lambda: sha256(local) == d)(digest)
        ferry = inside + [FERRY, "get", url("ftp", name, host), local] + seg
        yield (f"{case}-get", f"{mib} MiB download, {link}, --segments 4 vs one stream", 0.4,
               "curl", ferry, inside + ["curl", "-sS", "-o", local, curl_url(name, host)],
               fresh(local), check, loss)
        yield (f"{case}-pget", f"{mib} MiB download, {link}, --segments 4", 1.0,
               "lftp pget -n 4", ferry,
               inside + lftp(f"pget -n 4 {name} -o {local}", host=host),
               fresh(local), check, loss)
    yield ("long-small", f"{LONG_FILES} x 4 KiB download, 50 ms RTT, parallel {PARALLEL}", 0.8,
           "lftp", inside + [FERRY, "get", "-r", url("ftp", "lsmall", host), local_small]
           + ferry_opts(False),
           inside + lftp(f"mirror --parallel={PARALLEL} lsmall {local_small}", host=host),
           fresh(local_small), lambda: tree_digest(local_small) == tree, 0)


def all_cases(big, small):
    for case in cases(big, small):
        yield case + (None,)
    if LONG_NS:
        yield from long_cases()


def main():
    wanted = ENV.get("CASES", "").split()
    big, small = make_data()
    rows = []
    link = None
    for name, title, goal, ref_name, ferry, ref, prepare, check, loss in all_cases(big, small):
        if wanted and name not in wanted:
            continue
        if loss is not None and loss != link:
            set_link(loss)
            link = loss
        f_wall, f_cpu, r_wall, r_cpu = [], [], [], []
        for _ in range(RUNS):
            w, c = timed(ferry, prepare)
            if not check():
                raise SystemExit(f"bench: {name}: Ferry's result differs from the source")
            f_wall.append(w)
            f_cpu.append(c)
            w, c = timed(ref, prepare)
            if not check():
                raise SystemExit(f"bench: {name}: {ref_name}'s result differs from the source")
            r_wall.append(w)
            r_cpu.append(c)
        fw, fc = statistics.median(f_wall), statistics.median(f_cpu)
        rw, rc = statistics.median(r_wall), statistics.median(r_cpu)
        rows.append((title, ref_name, fw, rw, fw / rw, fc / max(rc, 1e-3), goal))
        print(f"bench: {name}: ferry {fw:.2f} s, {ref_name} {rw:.2f} s "
              f"(runs: ferry {', '.join(f'{x:.2f}' for x in f_wall)}; "
              f"{ref_name} {', '.join(f'{x:.2f}' for x in r_wall)})", flush=True)
    print()
    print(f"| case ({RUNS} runs each, medians) | vs | Ferry s | other s | time ratio | CPU ratio | goal |")
    print("|---|---|---|---|---|---|---|")
    for title, ref_name, fw, rw, ratio, cpu, goal in rows:
        mark = "met" if ratio <= goal else "not met"
        print(f"| {title} | {ref_name} | {fw:.2f} | {rw:.2f} | {ratio:.2f} | {cpu:.2f} | "
              f"<= {goal} ({mark}) |")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    finally:
        empty_trash()
