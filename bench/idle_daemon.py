#!/usr/bin/env python3
"""Resident memory of the idle daemon: `run` on a config and database, measured once it has started and settled.

Usage (from the repository root, after `dotnet publish src/EmbeddedAiReport.Worker -c Release -o APP`):
  python3 bench/idle_daemon.py APP CONFIG_DIR DB [--settle 20] [--repeat 3]
The daemon listens on a free loopback port; its sources keep their schedules (their first polls are due later, so it
idles). RSS is read from /proc/PID/status (VmRSS, and VmHWM for the peak since start) after /healthz answers and
--settle seconds more; the daemon is then stopped with SIGTERM. Prints the median of --repeat starts.
"""
import argparse, os, pathlib, signal, socket, statistics, subprocess, sys, time, urllib.request


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def status(pid, key):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith(key + ":"):
            return int(line.split()[1]) / 1024
    return 0.0


def once(app, config, db, settle):
    port = free_port()
    env = dict(os.environ, EAIR_Report__Urls=f"http://127.0.0.1:{port}")
    proc = subprocess.Popen([*app, "run", "--config", config, "--db", db], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2).read()
                break
            except Exception as e:  # 503 (unhealthy) still means it is up
                if getattr(e, "code", None):
                    break
                time.sleep(0.2)
        else:
            sys.exit("the daemon did not answer /healthz within 60 s")
        time.sleep(settle)
        return status(proc.pid, "VmRSS"), status(proc.pid, "VmHWM")
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("app", help="folder of the published worker")
    ap.add_argument("config")
    ap.add_argument("db")
    ap.add_argument("--settle", type=float, default=20)
    ap.add_argument("--repeat", type=int, default=3)
    a = ap.parse_args()
    sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
    from scale import worker_command
    app = worker_command(a.app)
    samples = [once(app, a.config, a.db, a.settle) for _ in range(a.repeat)]
    rss = statistics.median(s[0] for s in samples)
    hwm = statistics.median(s[1] for s in samples)
    print(f"| idle daemon (`run`, {a.settle:.0f} s after start, median of {a.repeat}) | {rss:.0f} MB resident (peak since start {hwm:.0f} MB) | ≤ 100 MB |")


if __name__ == "__main__":
    main()
