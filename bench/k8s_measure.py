# SPDX-License-Identifier: Apache-2.0
"""Measurements for bench/k8s.sh (doc/benchmarks.md, "Kubernetes").

  k8s_measure.py converge KUBECONFIG ROOTS_FILE PROGRAMS apply|delete KUBECTL ARGS...
      Runs KUBECTL ARGS (kubectl apply or delete) and reports, as one JSON
      line, seconds from just before kubectl starts to:
        kubectl   kubectl returned
        kernel    every node's bpffs root holds PROGRAMS link pins (apply),
                  or no link and no program pin (delete)
        api       every node has a Loaded BpfProgram for every object
                  (apply), or no BpfProgram and no TracepointProgram is
                  left (delete: the operator released its finalizer)
        operator  every TracepointProgram is ReconcileSuccess (apply only)
      and node_p50: the median node's kernel-side time. The API side is
      watched (list + watch over HTTPS, the kubeconfig's token), the kernel
      side polled from the pins (a link pin exists only while the kernel
      link does).
  k8s_measure.py idle PIDFILE
      Waits until the processes' CPU time grows by less than 5% of one CPU
      over 3 s, prints the seconds waited.
  k8s_measure.py mem PIDFILE
      Sum and median of RSS and PSS of the processes, in MB (JSON).
  k8s_measure.py cpu PIDFILE
      CPU seconds used so far by the processes.
  k8s_measure.py report RESULTS NODES PROGRAMS
      The table bench/k8s.sh prints.
  k8s_measure.py metrics KUBECONFIG OUT
      Saves the API server's /metrics.
  k8s_measure.py load KUBECONFIG METRICS_BEFORE METRICS_AFTER AUDIT_LOG OFFSET END SECONDS TOKENS_FILE
      API-server load of the agents over a window: from the audit log (the
      requests between bytes OFFSET and END, attributed to each agent by its token's
      credential ID), and from /metrics deltas of apiserver_request_total
      by verb/resource and the open watches (apiserver_longrunning_requests).
"""
import base64
import collections
import http.client
import json
import os
import ssl
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse

GROUP = "/apis/bpfman.io/v1alpha1"


def kubeconfig(path):
    """server URL and bearer token of the kubeconfig's first cluster/user
    (the files control-plane.sh and bench/k8s.sh write: no YAML parser
    needed, they are flat)."""
    server = token = None
    for line in open(path):
        s = line.strip().lstrip("-").strip()
        if s.startswith("server:"):
            server = s.split(":", 1)[1].strip().strip('"')
        elif s.startswith("token:"):
            token = s.split(":", 1)[1].strip().strip('"')
        elif "server:" in s and "{" in s:  # flow style: cluster: {server: "...", ...}
            server = s.split("server:", 1)[1].split(",")[0].strip().strip('"')
        if "token:" in s and "{" in s:
            token = s.split("token:", 1)[1].split("}")[0].strip().strip('"')
    if not server or not token:
        sys.exit("k8s_measure: no server or token in %s" % path)
    return urllib.parse.urlparse(server), token


class API:
    def __init__(self, kc):
        self.url, self.token = kubeconfig(kc)
        self.ctx = ssl._create_unverified_context()  # the test control plane's self-signed cert

    def conn(self, timeout=30):
        return http.client.HTTPSConnection(self.url.hostname, self.url.port, context=self.ctx, timeout=timeout)

    def get(self, path):
        c = self.conn()
        c.request("GET", path, headers={"Authorization": "Bearer " + self.token})
        r = c.getresponse()
        body = r.read()
        c.close()
        if r.status != 200:
            sys.exit("k8s_measure: GET %s: %d %s" % (path, r.status, body[:300]))
        return body

    def watch(self, path, on_event, stop):
        """list, then watch from the list's resourceVersion, as an informer
        does: on_event(type, obj), on_event("LIST", items) for each list.
        A watch the server ends (it may, under load) is listed and watched
        again."""
        while not stop.is_set():
            lst = json.loads(self.get(path))
            on_event("LIST", lst["items"])
            rv = lst["metadata"]["resourceVersion"]
            c = self.conn(timeout=None)
            c.request("GET", "%s?watch=1&resourceVersion=%s&timeoutSeconds=3600" % (path, rv),
                      headers={"Authorization": "Bearer " + self.token})
            r = c.getresponse()
            if r.status != 200:
                sys.exit("k8s_measure: watch %s: %d" % (path, r.status))
            try:
                while not stop.is_set():
                    line = r.readline()
                    if not line:
                        break
                    ev = json.loads(line)
                    if ev["type"] == "ERROR":
                        break
                    on_event(ev["type"], ev["object"])
            except (OSError, http.client.HTTPException, ValueError) as e:
                print("k8s_measure: watch %s ended (%s); listing again" % (path, e), file=sys.stderr)
            c.close()
            if not stop.is_set():
                print("k8s_measure: watch %s ended; listing again" % path, file=sys.stderr)


def first_cond(obj):
    conds = (obj.get("status") or {}).get("conditions") or []
    return conds[0]["type"] if conds else ""


def pins(root):
    """(link pins, program pins) under one node's bpffs root."""
    try:
        links = len(os.listdir(os.path.join(root, "links")))
    except FileNotFoundError:
        links = 0
    progs = sum(1 for n in os.listdir(root) if n.startswith("prog_")) if os.path.isdir(root) else 0
    return links, progs


def converge(kc, roots_file, programs, mode, cmd):
    api = API(kc)
    roots = [line.strip() for line in open(roots_file) if line.strip()]
    programs = int(programs)
    lock = threading.Condition()
    bps = {}   # BpfProgram name -> first condition type
    tps = {}   # TracepointProgram name -> first condition type
    stop = threading.Event()

    def on(store):
        def f(typ, obj):
            with lock:
                if typ == "LIST":  # replaced at once: never seen empty
                    store.clear()
                    store.update((o["metadata"]["name"], first_cond(o)) for o in obj)
                elif typ == "DELETED":
                    store.pop(obj["metadata"]["name"], None)
                elif typ in ("ADDED", "MODIFIED"):
                    store[obj["metadata"]["name"]] = first_cond(obj)
                lock.notify_all()
        return f

    ready = []
    for path, store in ((GROUP + "/bpfprograms", bps), (GROUP + "/tracepointprograms", tps)):
        t = threading.Thread(target=api.watch, args=(path, on(store), stop), daemon=True)
        t.start()
        ready.append(t)
    time.sleep(0.5)  # both watches established (the list is synchronous above)

    done = {}
    node_done = {}
    poll = 0.01 if len(roots) == 1 else 0.05
    nodes = len(roots)

    def kernel():
        while "kernel" not in done and not stop.is_set():
            now = time.monotonic() - t0
            ok = 0
            for r in roots:
                links, progs = pins(r)
                hit = links == programs if mode == "apply" else (links == 0 and progs == 0)
                if hit:
                    ok += 1
                    node_done.setdefault(r, now)
            if ok == nodes:
                with lock:
                    done["kernel"] = now
                    lock.notify_all()
                return
            time.sleep(poll)

    t0 = time.monotonic()
    kt = threading.Thread(target=kernel, daemon=True)
    kt.start()
    p = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    done["kubectl"] = time.monotonic() - t0
    if p.returncode:
        sys.exit("k8s_measure: %s failed: %s" % (" ".join(cmd), p.stderr))
    want = nodes * programs
    deadline = time.monotonic() + float(os.environ.get("K8S_BENCH_TIMEOUT", "600"))
    with lock:
        while True:
            now = time.monotonic() - t0
            if mode == "apply":
                if "api" not in done and sum(1 for c in bps.values() if c == "Loaded") == want:
                    done["api"] = now
                if "operator" not in done and len(tps) == programs and all(c == "ReconcileSuccess" for c in tps.values()):
                    done["operator"] = now
                complete = all(k in done for k in ("api", "operator", "kernel"))
            else:
                if "api" not in done and not bps and not tps:
                    done["api"] = now
                complete = all(k in done for k in ("api", "kernel"))
            if complete:
                break
            if time.monotonic() > deadline:
                done["timeout"] = True
                done["state"] = {"loaded": sum(1 for c in bps.values() if c == "Loaded"), "bpfprograms": len(bps),
                                 "programs": dict(collections.Counter(tps.values())),
                                 "nodes_done_kernel": len(node_done)}
                break
            lock.wait(0.05)
    stop.set()
    if node_done:
        done["node_p50"] = statistics.median(node_done.values())
    print(json.dumps(done))
    return 1 if done.get("timeout") else 0


def cpu_ticks(pids):
    total = 0
    for pid in pids:
        try:
            f = open("/proc/%s/stat" % pid).read()
        except FileNotFoundError:
            sys.exit("k8s_measure: process %s exited" % pid)
        fields = f.rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total


def idle(pidfile):
    pids = open(pidfile).read().split()
    hz = os.sysconf("SC_CLK_TCK")
    t0 = time.monotonic()
    prev = cpu_ticks(pids)
    quiet = 0
    while True:
        time.sleep(1)
        cur = cpu_ticks(pids)
        quiet = quiet + 1 if (cur - prev) / hz < float(os.environ.get("K8S_BENCH_IDLE", "0.05")) else 0
        prev = cur
        if quiet >= 3:
            print("%.1f" % (time.monotonic() - t0))
            return 0
        if time.monotonic() - t0 > 600:
            sys.exit("k8s_measure: the agents never went idle (600 s)")


def mem(pidfile):
    pids = open(pidfile).read().split()
    rss, pss = [], []
    for pid in pids:
        for line in open("/proc/%s/smaps_rollup" % pid):
            if line.startswith("Rss:"):
                rss.append(int(line.split()[1]) / 1024)
            elif line.startswith("Pss:"):
                pss.append(int(line.split()[1]) / 1024)
    print(json.dumps({"n": len(pids), "rss_sum": sum(rss), "rss_p50": statistics.median(rss), "rss_max": max(rss),
                      "pss_sum": sum(pss), "pss_p50": statistics.median(pss)}))


def metrics(kc, out):
    open(out, "wb").write(API(kc).get("/metrics"))


def parse_metrics(path, names):
    """{(name, frozenset(labels)): value} for the metric names wanted."""
    out = {}
    for line in open(path):
        if line.startswith("#"):
            continue
        name = line.split("{", 1)[0].split(" ", 1)[0]
        if name not in names:
            continue
        labels = {}
        if "{" in line:
            body = line.split("{", 1)[1].rsplit("}", 1)[0]
            for part in body.split('",'):
                if "=" in part:
                    k, v = part.split("=", 1)
                    labels[k.strip()] = v.strip().strip('"')
        out[(name, frozenset(labels.items()))] = float(line.rsplit(" ", 1)[1])
    return out


def jti(token):
    payload = token.split(".")[1]
    payload += "=" * (-len(payload) % 4)
    return json.loads(base64.urlsafe_b64decode(payload))["jti"]


def load(kc, before, after, audit, offset, end, seconds, tokens_file):
    seconds = float(seconds)
    # node name per token credential ID (JTI of the service-account token)
    who = {}
    for line in open(tokens_file):
        name, token = line.split()
        who["JTI=" + jti(token)] = name
    per = {name: collections.Counter() for name in who.values()}
    opened = collections.Counter()  # watches started minus ended, since the start
    with open(audit, "rb") as f:
        pos = 0
        for raw in f:
            pos += len(raw)
            if pos > int(end):
                break
            ev = json.loads(raw)
            cred = ((ev.get("user") or {}).get("extra") or {}).get("authentication.kubernetes.io/credential-id", [""])[0]
            name = who.get(cred)
            if name is None:
                continue
            stage, verb = ev.get("stage"), ev.get("verb")
            if verb == "watch":
                opened[name] += 1 if stage == "ResponseStarted" else -1 if stage == "ResponseComplete" else 0
                if stage != "ResponseStarted":
                    continue
            elif stage != "ResponseComplete":
                continue
            if pos <= int(offset):
                continue
            ref = ev.get("objectRef") or {}
            res = ref.get("resource", ev.get("requestURI", "?"))
            if ref.get("subresource"):
                res += "/" + ref["subresource"]
            per[name][verb + " " + res] += 1
    agents = [n for n in per if n.startswith("node-")]
    nonwatch = {n: sum(v for k, v in per[n].items() if not k.startswith("watch ")) for n in per}
    watches = {n: sum(v for k, v in per[n].items() if k.startswith("watch ")) for n in per}
    every = collections.Counter()
    for n in agents:
        every.update(per[n])
    res = {
        "seconds": seconds, "agents": len(agents),
        "agent_nonwatch_per_min_max": max(nonwatch[n] for n in agents) * 60 / seconds,
        "agent_nonwatch_per_min_sum": sum(nonwatch[n] for n in agents) * 60 / seconds,
        "agent_rewatch_per_min_sum": sum(watches[n] for n in agents) * 60 / seconds,
        "agent_requests_by_kind": dict(every),
        "agent_open_watches_min": min(opened[n] for n in agents),
        "agent_open_watches_max": max(opened[n] for n in agents),
        "operator_open_watches": opened.get("operator", 0),
        "operator": dict(per.get("operator", {})),
    }
    # /metrics: all clients (kube-controller-manager's garbage collector too)
    names = {"apiserver_request_total", "apiserver_longrunning_requests"}
    b, a = parse_metrics(before, names), parse_metrics(after, names)
    delta = collections.Counter()
    for key, v in a.items():
        if key[0] != "apiserver_request_total":
            continue
        lab = dict(key[1])
        d = v - b.get(key, 0)
        if d > 0:
            delta["%s %s%s" % (lab.get("verb"), lab.get("resource", ""),
                               "/" + lab["subresource"] if lab.get("subresource") else "")] += d
    res["metrics_requests_per_min"] = {k: round(v * 60 / seconds, 1) for k, v in sorted(delta.items())}
    watch_open = collections.Counter()
    for key, v in a.items():
        lab = dict(key[1])
        if key[0] == "apiserver_longrunning_requests" and lab.get("verb") == "WATCH" and v:
            watch_open[lab.get("resource", "")] += v
    res["metrics_open_watches"] = dict(watch_open)
    print(json.dumps(res))


def cpu(pidfile):
    print("%.2f" % (cpu_ticks(open(pidfile).read().split()) / os.sysconf("SC_CLK_TCK")))


def report(results, nodes, programs):
    """The table bench/k8s.sh prints, goals as pass/fail."""
    rows = collections.defaultdict(list)
    for line in open(results):
        d = json.loads(line)
        rows[d["phase"]].append(d["result"])
    many = "%sx%s" % (programs, nodes)
    out = []

    def med(phase, key):
        v = [r[key] for r in rows.get(phase, []) if key in r]
        return statistics.median(v) if v else None

    def conv(label, phase, goal):
        keys = ("kernel", "api", "operator") if phase.endswith("apply") else ("kernel", "api")
        vals = {k: med(phase, k) for k in keys + ("kubectl", "node_p50")}
        worst = max(vals[k] for k in keys)
        detail = ", ".join("%s %.2f s" % (k, vals[k]) for k in keys + ("node_p50", "kubectl") if vals[k] is not None)
        n = len(rows.get(phase, []))
        out.append((label + (" (median of %d)" % n if n > 1 else ""), "%.2f s (%s)" % (worst, detail),
                    "< %d s: %s" % (goal, "PASS" if worst < goal else "FAIL")))

    conv("1 program, 1 node: kubectl apply -> attached and reported", "1x1-apply", 5)
    conv("1 program, 1 node: kubectl delete -> nothing left", "1x1-delete", 5)
    conv("%s programs, %s nodes: kubectl apply -> attached and reported on every node" % (programs, nodes), many + "-apply", 60)
    conv("%s programs, %s nodes: kubectl delete -> nothing left on any node" % (programs, nodes), many + "-delete", 60)
    st = rows["start"][0]
    out.append(("starting %d more agents: every BpfNodeInventory written; then idle after" % st["agents"],
                "%.1f s; +%s s" % (st["inventories"] / 1000, st["then_idle_s"]), "informational (measured after idle)"))
    for phase, label in (("mem-idle", "no program"), ("mem-loaded", "%s programs each" % programs)):
        m = rows[phase][0]
        out.append(("agent memory, %d agents, %s" % (m["n"], label),
                    "RSS %.0f MB in all (%.1f MB each, max %.1f); PSS %.0f MB in all" %
                    (m["rss_sum"], m["rss_p50"], m["rss_max"], m["pss_sum"]), "informational (24 GiB here)"))
    r = rows["rest"][0]
    secs = r["seconds"]
    inv = "update bpfnodeinventories/status"
    by = r["agent_requests_by_kind"]
    other = {k: v for k, v in by.items() if not k.startswith("watch ") and k != inv}
    out.append(("at rest %d s: non-watch requests of %d agents, other than the inventory refresh" % (secs, r["agents"]),
                ", ".join("%s %d" % kv for kv in sorted(other.items())) or "none",
                "0: %s" % ("PASS" if not other else "FAIL")))
    out.append(("at rest: inventory writes per agent per minute (at most one per 30 s tick, only when the kernel changed)",
                "%.2f (%d in all; between the window's ends %d programs came or went in the kernel%s)" %
                (by.get(inv, 0) * 60 / secs / r["agents"], by.get(inv, 0), r["kernel_programs_changed"],
                 ": other processes on this shared host" if r["kernel_programs_changed"] else ""),
                "0 when the kernel is unchanged: %s" % ("not checked (it changed)" if r["kernel_programs_changed"] else "PASS" if not by.get(inv) else "FAIL")))
    out.append(("at rest, per agent: open watches; watches re-opened per minute (all agents)",
                "%d..%d; %.1f" % (r["agent_open_watches_min"], r["agent_open_watches_max"], r["agent_rewatch_per_min_sum"]),
                "watches only"))
    out.append(("at rest: the operator's non-watch requests", str(sum(v for k, v in r["operator"].items() if not k.startswith("watch "))), "0"))
    out.append(("at rest: the agents' CPU time", "%.2f s in %d s (%.2f%% of one core)" % (r["agent_cpu_s"], secs, 100 * r["agent_cpu_s"] / secs),
                "informational"))
    ours = {k: v for k, v in r["metrics_requests_per_min"].items()
            if not k.startswith("WATCH") and any(x in k for x in ("program", "inventor", "nodes"))}
    out.append(("at rest, /metrics (every client): non-watch requests/min on bpfman.io and nodes",
                ", ".join("%s %s" % kv for kv in ours.items()) or "0", ""))
    w = r["metrics_open_watches"]
    out.append(("open watches on bpfman.io and nodes (/metrics, every client)",
                ", ".join("%s %d" % (k, v) for k, v in sorted(w.items()) if v and ("program" in k or "inventor" in k or k == "nodes")), ""))
    out.append(("error lines in the agents' and operator's logs", str(rows["logs"][0]["error_lines"]), ""))
    width = max(len(o[0]) for o in out)
    la = open("/proc/loadavg").read().split()[:3]
    print("Kubernetes benchmark (%d cores, load average %s at the end)" % (os.cpu_count(), " ".join(la)))
    for a, b, c in out:
        print("%-*s  %s%s" % (width, a, b, ("  [" + c + "]") if c else ""))


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "converge":
        return converge(args[0], args[1], args[2], args[3], args[4:])
    if cmd == "idle":
        return idle(*args)
    if cmd == "mem":
        return mem(*args)
    if cmd == "metrics":
        return metrics(*args)
    if cmd == "load":
        return load(*args)
    if cmd == "cpu":
        return cpu(*args)
    if cmd == "report":
        return report(*args)
    sys.exit(__doc__)


if __name__ == "__main__":
    sys.exit(main())
