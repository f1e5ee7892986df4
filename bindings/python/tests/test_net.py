"""Network hooks in a private namespace with a veth pair: XDP and TC with
one program on the host; the XDP multi-program dispatcher (priorities,
proceed-on, update in place) in the VM, where freplace works."""
from __future__ import annotations

import errno
import os
import re
import subprocess
from typing import Iterator

import pytest

import bpfman
from bpfman import ProgramType as T
from bpfsys import read_u64
from conftest import bpf_obj


def sh(cmd: str) -> str:
    return subprocess.run(cmd, shell=True, check=True, capture_output=True, text=True).stdout


class NetEnv:
    """Namespace NS with PEER (10.232.N.2) and HOST (10.232.N.1) in ours."""

    def __init__(self) -> None:
        n = next(i for i in ((os.getpid() + j) % 250 + 1 for j in range(250))
                 if not sh(f"ip -o addr show to 10.232.{i}.0/24"))
        tag = os.getpid() % 100000
        self.ns, self.host, self.peer = f"bpfmpy{tag}", f"bpfpyh{tag}", f"bpfpyp{tag}"
        self.ns_path = f"/var/run/netns/{self.ns}"
        self.host_ip, self.peer_ip = f"10.232.{n}.1", f"10.232.{n}.2"
        sh(f"ip netns add {self.ns} && "
           f"ip link add name {self.host} type veth peer name {self.peer} netns {self.ns} && "
           f"ip addr add {self.host_ip}/24 dev {self.host} && ip link set dev {self.host} up && "
           f"ip -n {self.ns} addr add {self.peer_ip}/24 dev {self.peer} && "
           f"ip -n {self.ns} link set dev {self.peer} up && ip -n {self.ns} link set dev lo up")
        # Permanent neighbours: a dropping program must not also starve ARP.
        sh(f"ip neigh replace {self.peer_ip} dev {self.host} nud permanent lladdr "
           f"$(ip -n {self.ns} -br link show dev {self.peer} | awk '{{print $3}}') && "
           f"ip -n {self.ns} neigh replace {self.host_ip} dev {self.peer} nud permanent "
           f"lladdr $(cat /sys/class/net/{self.host}/address)")

    def ping(self, count: int) -> int:
        """Echo replies received for `count` pings to the peer."""
        r = subprocess.run(["ping", "-c", str(count), "-i", "0.05", "-W", "1", self.peer_ip],
                           capture_output=True, text=True)
        m = re.search(r"(\d+) packets transmitted, (\d+) received", r.stdout)
        assert m, r.stdout + r.stderr
        return int(m.group(2))

    def destroy(self) -> None:
        subprocess.run(f"ip link del {self.host}; ip netns del {self.ns}", shell=True,
                       capture_output=True)


@pytest.fixture
def net() -> Iterator[NetEnv]:
    env = NetEnv()
    yield env
    env.destroy()


def _counter(ctx: bpfman.Context, prog_id: int) -> int:
    return read_u64(f"{ctx.get_program(prog_id).map_pin_dir}/counter")


def test_xdp_one_program(ctx: bpfman.Context, net: NetEnv) -> None:
    prog = ctx.load_file(bpf_obj("xdp_counter"), ["xdp:xdp_count"])[0]
    try:
        link = ctx.attach(prog.id, iface=net.peer, netns=net.ns_path, priority=50)
        assert (link.type, link.iface, link.netns, link.priority) == (T.XDP, net.peer, net.ns_path, 50)
        assert link.proceed_on == bpfman.XdpProceedOn.DEFAULT
        before = _counter(ctx, prog.id)
        assert net.ping(4) == 4
        assert _counter(ctx, prog.id) >= before + 4, "the XDP program saw no packets"
        chain = ctx.chain(T.XDP, net.peer, netns=net.ns_path)
        assert [s.link_id for s in chain.slots] == [link.id]
        assert chain.xdp_mode in ("native", "skb")
        ctx.detach(link.id)
        assert ctx.chain(T.XDP, net.peer, netns=net.ns_path).slots == []
        with pytest.raises(bpfman.BpfmanError) as e:
            ctx.attach(prog.id, iface="no-such-if0", netns=net.ns_path)
        assert "no-such-if0" in str(e.value) and e.value.errno == errno.ENODEV
    finally:
        ctx.unload(prog.id)


def test_tc_ingress(ctx: bpfman.Context, net: NetEnv) -> None:
    prog = ctx.load_file(bpf_obj("tc_counter"), ["tc:tc_count"])[0]
    try:
        link = ctx.attach(prog.id, iface=net.peer, netns=net.ns_path, priority=40,
                          direction=bpfman.Direction.INGRESS)
        assert (link.type, link.direction) == (T.TC, bpfman.Direction.INGRESS)
        assert link.proceed_on == bpfman.TcProceedOn.DEFAULT
        before = _counter(ctx, prog.id)
        assert net.ping(4) == 4
        assert _counter(ctx, prog.id) >= before + 4, "the TC program saw no packets"
        chain = ctx.chain(T.TC, net.peer, direction=bpfman.Direction.INGRESS, netns=net.ns_path)
        assert link.id in [s.link_id for s in chain.slots]
        with pytest.raises(bpfman.InvalidError):
            ctx.attach(prog.id, iface=net.peer, netns=net.ns_path)  # no direction
    finally:
        ctx.unload(prog.id)


@pytest.mark.vm
def test_xdp_dispatcher_proceed_on_and_priority(ctx: bpfman.Context, net: NetEnv) -> None:
    """The seed's demonstration: a counter at 55, then xdp_pass at 50 with
    proceed-on drop (it passes, so the chain stops: counting stops), then
    xdp_pass moved to 60 in place (counting resumes), then back to 50 with
    proceed-on pass (the chain goes on: counting goes on)."""
    X = bpfman.XdpProceedOn
    counter = ctx.load_file(bpf_obj("xdp_counter"), ["xdp:xdp_count"])[0]
    passer = ctx.load_file(bpf_obj("xdp_counter"), ["xdp:xdp_pass"])[0]

    def counts() -> bool:
        before = _counter(ctx, counter.id)
        assert net.ping(3) == 3, "pings lost: every program here passes"
        return _counter(ctx, counter.id) >= before + 3

    try:
        c_link = ctx.attach(counter.id, iface=net.peer, netns=net.ns_path, priority=55,
                            proceed_on=X.PASS | X.DISPATCHER_RETURN)
        assert counts()
        p_link = ctx.attach(passer.id, iface=net.peer, netns=net.ns_path, priority=50,
                            proceed_on=X.DROP)
        chain = ctx.chain(T.XDP, net.peer, netns=net.ns_path)
        assert chain.dispatcher_id != 0
        assert [s.link_id for s in chain.slots] == [p_link.id, c_link.id]
        assert [s.priority for s in chain.slots] == [50, 55]
        assert chain.slots[0].proceed_on & X.DROP and not chain.slots[0].proceed_on & X.PASS
        assert not counts(), "counted behind a program whose pass stops the chain"

        ctx.update_link(p_link.id, priority=60)
        assert ctx.get_link(p_link.id).priority == 60
        assert [s.link_id for s in ctx.chain(T.XDP, net.peer, netns=net.ns_path).slots] == \
            [c_link.id, p_link.id]
        assert counts(), "counting did not resume"

        ctx.update_link(p_link.id, priority=50, proceed_on=X.PASS)
        assert ctx.get_link(p_link.id).proceed_on & X.PASS
        assert counts(), "proceed-on pass did not let the chain go on"
    finally:
        ctx.unload(passer.id)
        ctx.unload(counter.id)


@pytest.mark.vm
def test_tc_chain_priority_and_proceed_on(ctx: bpfman.Context, net: NetEnv) -> None:
    """Two TC programs on one hook: chain order follows priority, and
    update_link moves one and changes its proceed-on in place."""
    TC = bpfman.TcProceedOn
    a = ctx.load_file(bpf_obj("tc_counter"), ["tc:tc_count"])[0]
    b = ctx.load_file(bpf_obj("tc_counter"), ["tc:tc_count"])[0]
    try:
        kw = dict(iface=net.peer, netns=net.ns_path, direction=bpfman.Direction.INGRESS)
        la = ctx.attach(a.id, priority=10, **kw)  # type: ignore[arg-type]
        lb = ctx.attach(b.id, priority=20, proceed_on=TC.OK | TC.PIPE, **kw)  # type: ignore[arg-type]
        assert lb.proceed_on == TC.OK | TC.PIPE

        def order() -> list[int]:
            return [s.link_id for s in ctx.chain(T.TC, net.peer, direction=bpfman.Direction.INGRESS,
                                                 netns=net.ns_path).slots]

        assert order() == [la.id, lb.id]
        ctx.update_link(lb.id, priority=5, proceed_on=TC.SHOT)
        got = ctx.get_link(lb.id)
        assert (got.priority, got.proceed_on) == (5, TC.SHOT)
        assert order() == [lb.id, la.id]
        bb = _counter(ctx, b.id)
        assert net.ping(3) == 3
        assert _counter(ctx, b.id) >= bb + 3, "the first program did not run"
        with pytest.raises(bpfman.InvalidError):
            ctx.update_link(lb.id, priority=5000)
        assert ctx.get_link(lb.id).priority == 5
    finally:
        ctx.unload(b.id)
        ctx.unload(a.id)
