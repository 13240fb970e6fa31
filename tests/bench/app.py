#!/usr/bin/env python3
"""tests/bench/app.py: Ferry's desktop app side by side with FileZilla, under Xvfb (software
rendering, as in VMs and remote desktops), against the same pyftpdlib server on loopback.

For each app, alternating runs, medians:
  open      seconds from launch until a 100,000-entry folder named by the URL is shown and the
            process has gone quiet (the last CPU tick before a second without one), and the peak
            resident memory (VmHWM) by then;
  first     seconds from launch until the window is mapped (the first frame);
  idle      CPU seconds over 3 s of nothing;
  pointer   CPU seconds for 50 pointer moves over the window that change nothing visible
            (a path over the message log, 20 ms apart), until quiet again;
  wheel     CPU seconds for 20 wheel steps over the remote list, until quiet again.
Then Ferry alone downloads a big file from a URL (double-clicked in its remote list) and the UI
thread's share of one core during the transfer is printed.

Environment: FERRY_BIN (required), FILEZILLA (default `filezilla`; missing: Ferry alone),
PYFTPD_PYTHON (a python with pyftpdlib; default the interop venv), ENTRIES (100000), RUNS (3),
BIG_MIB (1024: the download whose UI-thread cost is measured, from its first bytes to its end). Prints a table; it measures, it does not judge (not part of `cargo test`).
"""
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

TICK = os.sysconf("SC_CLK_TCK")
FERRY = os.environ["FERRY_BIN"]
FILEZILLA = shutil.which(os.environ.get("FILEZILLA", "filezilla"))
PYTHON = os.environ.get("PYFTPD_PYTHON", "/var/cache/ferry-interop/venv/bin/python")
ENTRIES = int(os.environ.get("ENTRIES", "100000"))
RUNS = int(os.environ.get("RUNS", "3"))
BIG_MIB = int(os.environ.get("BIG_MIB", "1024"))
USER, PASSWORD = "bench", "bench-pw"


def log(text):
    print(f"[app-bench] {text}", flush=True)


def cpu(pid, thread=None):
    """User + system CPU seconds of a process (all its threads) or of one of its threads."""
    path = f"/proc/{pid}/stat" if thread is None else f"/proc/{pid}/task/{thread}/stat"
    with open(path) as f:
        data = f.read()
    fields = data[data.rindex(")") + 2 :].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def peak_mib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def wait_quiet(pid, since, quiet=1.0, limit=60.0, ready=lambda: True):
    """Waits until `ready()` holds and the process used no CPU for `quiet` seconds; returns
    the time of its last CPU tick (seconds after `since`)."""
    last_cpu, last_change = cpu(pid), time.monotonic()
    deadline = time.monotonic() + limit
    is_ready = False
    while time.monotonic() < deadline:
        time.sleep(0.02)
        now, used = time.monotonic(), cpu(pid)
        if used - last_cpu > 0.5 / TICK:
            last_cpu, last_change = used, now
        is_ready = is_ready or ready()
        if is_ready and now - last_change >= quiet:
            return last_change - since
    raise TimeoutError(f"process {pid} did not settle within {limit} s")


def xdotool(display, *args):
    return subprocess.run(
        ["xdotool", *args],
        env={**os.environ, "DISPLAY": display},
        capture_output=True,
        text=True,
        timeout=20,
    ).stdout.split()


class Server:
    """pyftpdlib on loopback over a tree with a big folder, an empty one and a big file."""

    def __init__(self, root):
        self.root = root
        big = os.path.join(root, "big")
        os.makedirs(big)
        os.makedirs(os.path.join(root, "empty"))
        os.makedirs(os.path.join(root, "data"))
        for i in range(ENTRIES):
            os.close(os.open(os.path.join(big, f"file{i:06}.txt"), os.O_CREAT | os.O_WRONLY))
        with open(os.path.join(root, "data", "big.bin"), "wb") as f:
            chunk = os.urandom(1 << 20)
            for _ in range(BIG_MIB):
                f.write(chunk)
        self.log_path = os.path.join(root, "..", "server.log")
        self.log = open(self.log_path, "w")
        self.proc = subprocess.Popen(
            [PYTHON, "-m", "pyftpdlib", "-i", "127.0.0.1", "-p", "0", "-u", USER, "-P",
             PASSWORD, "-d", root, "-w", "-D"],
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 20
        self.port = None
        while self.port is None and time.monotonic() < deadline:
            time.sleep(0.1)
            with open(self.log_path) as f:
                for line in f:
                    if "starting FTP server on 127.0.0.1:" in line:
                        self.port = int(line.rsplit(":", 1)[1].split()[0].strip(" ,<>"))
        if self.port is None:
            raise RuntimeError("pyftpdlib did not start: " + open(self.log_path).read())

    def log_mark(self):
        return os.path.getsize(self.log_path)

    def listed_since(self, mark, folder):
        """Whether the server finished sending a listing after `mark` (its debug log: the
        command, then `226`)."""
        with open(self.log_path) as f:
            f.seek(mark)
            asked = False
            for line in f:
                asked = asked or "<- MLSD" in line or "<- LIST" in line or "<- NLST" in line
                if asked and "-> 226" in line:
                    return True
        return False

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=10)


def start_xvfb():
    """A display of its own for one launch (an app's exit may take the X server down with it)."""
    number = next(n for n in range(70, 200) if not os.path.exists(f"/tmp/.X11-unix/X{n}")
                  and not os.path.exists(f"/tmp/.X{n}-lock"))
    # -noreset: an X server resets when its last client leaves, and an app connecting during
    # the reset fails ("Unable to initialize GTK+").
    xvfb = subprocess.Popen(["Xvfb", f":{number}", "-screen", "0", "1280x900x24", "-nolisten",
                             "tcp", "-noreset"], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 20
    # Ready once it answers, not once its socket exists.
    while not xdotool(f":{number}", "getdisplaygeometry"):
        if time.monotonic() > deadline or xvfb.poll() is not None:
            raise RuntimeError(f"Xvfb did not start on :{number}")
        time.sleep(0.05)
    return xvfb, f":{number}"


class App:
    """One launch of one app in a fresh home, on a display of its own."""

    def __init__(self, name, url, work):
        self.xvfb, display = start_xvfb()
        self.name, self.display = name, display
        home = tempfile.mkdtemp(dir=work, prefix=f"{name}-home-")
        self.home = home
        os.makedirs(os.path.join(home, "runtime"), mode=0o700)
        env = {
            **os.environ,
            "DISPLAY": display,
            "HOME": home,
            "XDG_RUNTIME_DIR": os.path.join(home, "runtime"),
            "XDG_CONFIG_HOME": os.path.join(home, ".config"),
            "XDG_DATA_HOME": os.path.join(home, ".local/share"),
            "FERRY_CONFIG_DIR": os.path.join(home, "ferry-config"),
            "FERRY_DATA_DIR": os.path.join(home, "ferry-data"),
            "NO_AT_BRIDGE": "1",
        }
        if name == "filezilla":
            config = os.path.join(home, ".config", "filezilla")
            os.makedirs(config)
            # No welcome dialog and no update check, as on a machine that has run it before.
            with open(os.path.join(config, "filezilla.xml"), "w") as f:
                f.write(
                    '<?xml version="1.0" encoding="UTF-8"?>\n<FileZilla3><Settings>'
                    '<Setting name="Greeting version">3.63.0</Setting>'
                    '<Setting name="Greeting resources version">1</Setting>'
                    '<Setting name="Update Check">0</Setting>'
                    "</Settings></FileZilla3>\n"
                )
            command = [FILEZILLA, url]
        else:
            command = [FERRY, url]
        self.out = open(os.path.join(home, "out.log"), "w")
        self.started = time.monotonic()
        self.proc = subprocess.Popen(command, env=env, stdout=self.out, stderr=subprocess.STDOUT)
        self.pid = self.proc.pid
        self.window = None

    def first_frame(self, limit=30.0):
        """Seconds from launch until the app's main window is mapped."""
        deadline = self.started + limit
        while time.monotonic() < deadline:
            # The window's class is the app's name (winit sets no _NET_WM_PID).
            ids = xdotool(self.display, "search", "--onlyvisible", "--class", self.name)
            if ids:
                self.window = ids[-1]
                return time.monotonic() - self.started
            time.sleep(0.01)
        with open(self.out.name) as f:
            said = f.read()[-2000:]
        raise TimeoutError(f"{self.name}: no window within {limit} s; it said: {said}")

    def answer_insecure_prompt(self):
        """FileZilla asks before plain FTP ("This server does not support FTP over TLS"): OK."""
        if self.name != "filezilla":
            return
        ids = xdotool(self.display, "search", "--onlyvisible", "--name", "Insecure FTP")
        for wid in ids:
            xdotool(self.display, "windowfocus", "--sync", wid, "key", "Return")

    def geometry(self):
        lines = xdotool(self.display, "getwindowgeometry", "--shell", self.window)
        values = dict(item.split("=") for item in lines)
        return (int(values["X"]), int(values["Y"]), int(values["WIDTH"]), int(values["HEIGHT"]))

    def moves(self, points, pause=0.02):
        before = cpu(self.pid)
        for x, y in points:
            xdotool(self.display, "mousemove", str(x), str(y))
            time.sleep(pause)
        wait_quiet(self.pid, time.monotonic(), quiet=0.8, limit=60)
        return cpu(self.pid) - before

    def wheel(self, x, y, steps=20, pause=0.05):
        xdotool(self.display, "mousemove", str(x), str(y))
        wait_quiet(self.pid, time.monotonic(), quiet=0.5, limit=30)
        before = cpu(self.pid)
        for _ in range(steps):
            xdotool(self.display, "click", "5")
            time.sleep(pause)
        wait_quiet(self.pid, time.monotonic(), quiet=0.8, limit=60)
        return cpu(self.pid) - before

    def close(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)
        self.out.close()
        self.xvfb.terminate()
        self.xvfb.wait(timeout=10)


def one_run(name, server, work):
    url = f"ftp://{USER}:{PASSWORD}@127.0.0.1:{server.port}/big/"
    mark = server.log_mark()
    app = App(name, url, work)
    try:
        first = app.first_frame()

        def listed():
            app.answer_insecure_prompt()
            return server.listed_since(mark, "/big")

        opened = wait_quiet(app.pid, app.started, quiet=1.0, limit=120, ready=listed)
        peak = peak_mib(app.pid)
        idle_before = cpu(app.pid)
        time.sleep(3)
        idle = cpu(app.pid) - idle_before
        x, y, w, h = app.geometry()
        # The message log sits under the top bars in both apps: moving over it changes nothing.
        path = [(x + int(w * (0.25 + 0.5 * i / 49)), y + int(h * 0.2)) for i in range(50)]
        pointer = app.moves(path)
        wheel = app.wheel(x + int(w * 0.75), y + int(h * 0.55))
        return {"first": first, "open": opened, "peak": peak, "idle": idle,
                "pointer": pointer, "wheel": wheel}
    finally:
        app.close()


def transfer_share(server, work):
    """Ferry downloads data/big.bin (double-clicked in its remote list); the UI thread's CPU
    seconds per second of transfer, from its first bytes to its end."""
    url = f"ftp://{USER}:{PASSWORD}@127.0.0.1:{server.port}/data/"
    mark = server.log_mark()
    app = App("ferry", url, work)
    try:
        app.first_frame()
        wait_quiet(app.pid, app.started, quiet=1.0, limit=60,
                   ready=lambda: server.listed_since(mark, "/data"))
        x, y, w, h = app.geometry()
        # The remote list's first row (the only file).
        row = (x + int(w * 0.56), y + int(h * 0.377))
        target = os.path.join(app.home, "big.bin")
        xdotool(app.display, "mousemove", str(row[0]), str(row[1]), "click", "--repeat", "2",
                "--delay", "80", "1")
        # Measured from the first bytes on the disk to the end: the transfer, not the clicks.
        deadline = time.monotonic() + 120
        part = target + ".part"
        while not (os.path.exists(part) and os.path.getsize(part) > 0):
            if time.monotonic() > deadline or os.path.exists(target):
                raise TimeoutError("the download from the app did not start (is the row where "
                                   "the script clicks?)")
            time.sleep(0.005)
        ui_before, started = cpu(app.pid, app.pid), time.monotonic()
        while time.monotonic() < deadline:
            if os.path.exists(target) and os.path.getsize(target) == BIG_MIB << 20:
                break
            time.sleep(0.02)
        else:
            raise TimeoutError("the download from the app did not finish")
        seconds = time.monotonic() - started
        return (cpu(app.pid, app.pid) - ui_before) / seconds, seconds
    finally:
        app.close()


def main():
    work = tempfile.mkdtemp(prefix="ferry-app-bench.")
    server = None
    try:
        log(f"making {ENTRIES} entries and a {BIG_MIB} MiB file")
        server = Server(os.path.join(work, "root"))
        apps = [a for a in os.environ.get("APPS", "ferry filezilla").split()
                if a == "ferry" or FILEZILLA]
        if not FILEZILLA:
            log("no filezilla: Ferry alone (apt-get install filezilla)")
        results = {a: [] for a in apps}
        for run in range(RUNS):
            for name in apps:
                result = one_run(name, server, work)
                log(f"{name} run {run + 1}: " + ", ".join(f"{k} {v:.2f}" for k, v in result.items()))
                results[name].append(result)
        share, seconds = transfer_share(server, work)
        rows = [
            ("first frame, s", "first"),
            (f"open {ENTRIES:,} entries by URL, s", "open"),
            ("peak memory by then, MiB", "peak"),
            ("idle 3 s, CPU s", "idle"),
            ("50 pointer moves, CPU s", "pointer"),
            ("20 wheel steps, CPU s", "wheel"),
        ]
        both = "filezilla" in results
        print()
        print(f"| measure | Ferry | {'FileZilla | ratio |' if both else ''}")
        print(f"|---|---|{'---|---|' if both else ''}")
        for label, key in rows:
            ferry = statistics.median(r[key] for r in results["ferry"])
            line = f"| {label} | {ferry:.2f} |"
            if both:
                other = statistics.median(r[key] for r in results["filezilla"])
                ratio = f"{ferry / other:.2f}" if other > 0 else "-"
                line += f" {other:.2f} | {ratio} |"
            print(line)
        print(f"\nFerry's UI thread during a {BIG_MIB} MiB download from the app: "
              f"{share * 100:.1f} % of a core ({seconds:.1f} s)")
    finally:
        if server:
            server.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
