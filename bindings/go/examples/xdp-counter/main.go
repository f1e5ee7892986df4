// SPDX-License-Identifier: Apache-2.0

// xdp-counter is the seed's go-xdp-counter on one host, through the Go
// binding of libbpfman instead of a daemon: it loads an XDP packet counter
// at priority 55 on an interface, logs the packets and bytes it counted
// every few seconds from its pinned per-CPU map, and unloads it on SIGINT
// or SIGTERM.
//
//	xdp-counter -iface eth0 [-netns /var/run/netns/NAME] [-obj xdp_counter.bpf.o]
package main

import (
	"flag"
	"fmt"
	"log"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/cilium/ebpf"

	bpfman "github.com/libbpfman/libbpfman/bindings/go"
)

// datarec is struct datarec of xdp_counter.bpf.c.
type datarec struct {
	RxPackets uint64
	RxBytes   uint64
}

func main() {
	iface := flag.String("iface", "", "interface to attach to (required)")
	netns := flag.String("netns", "", "network namespace path of the interface (default: ours)")
	priority := flag.Int("priority", 55, "priority in the interface's XDP chain")
	obj := flag.String("obj", "xdp_counter.bpf.o", "the compiled counter program")
	interval := flag.Duration("interval", 3*time.Second, "how often to log the counts")
	stateDir := flag.String("state-dir", os.Getenv("BPFMAN_STATE_DIR"), "libbpfman state directory (default /var/lib/bpfman)")
	bpffsRoot := flag.String("bpffs-root", os.Getenv("BPFMAN_BPFFS_ROOT"), "libbpfman bpffs root (default /sys/fs/bpf/bpfman)")
	flag.Parse()
	if *iface == "" {
		fmt.Fprintln(os.Stderr, "xdp-counter: give the interface to count on with -iface NAME")
		os.Exit(2)
	}
	if err := run(*iface, *netns, int32(*priority), *obj, *interval, *stateDir, *bpffsRoot); err != nil {
		log.Fatal(err)
	}
}

func run(iface, netns string, priority int32, obj string, interval time.Duration, stateDir, bpffsRoot string) error {
	// Catch the signals first: from here on they end the loop below and
	// the program is unloaded on the way out.
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGINT, syscall.SIGTERM)
	defer signal.Stop(stop)

	ctx, err := bpfman.New(&bpfman.Options{StateDir: stateDir, BpffsRoot: bpffsRoot})
	if err != nil {
		return err
	}
	defer ctx.Close()

	progs, err := ctx.LoadFile(obj, bpfman.LoadOptions{
		Programs:    []string{"xdp:xdp_stats"},
		Application: "go-xdp-counter",
	})
	if err != nil {
		return err
	}
	prog := progs[0]
	defer func() {
		if err := ctx.Unload(prog.ID, nil); err != nil {
			log.Printf("unload program %d: %v", prog.ID, err)
			return
		}
		log.Printf("unloaded program %d", prog.ID)
	}()
	link, err := ctx.Attach(prog.ID, bpfman.AttachOptions{Iface: iface, Netns: netns, Priority: priority})
	if err != nil {
		return err
	}
	log.Printf("program %d attached to %s at priority %d (link %d)", prog.ID, iface, priority, link)

	stats, err := ebpf.LoadPinnedMap(filepath.Join(prog.MapPinDir, "xdp_stats_map"), nil)
	if err != nil {
		return fmt.Errorf("open the pinned stats map: %w", err)
	}
	defer stats.Close()

	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		select {
		case s := <-stop:
			log.Printf("%v: exiting", s)
			return nil
		case <-tick.C:
			var perCPU []datarec
			if err := stats.Lookup(uint32(0), &perCPU); err != nil {
				return fmt.Errorf("read the stats map: %w", err)
			}
			var total datarec
			for _, r := range perCPU {
				total.RxPackets += r.RxPackets
				total.RxBytes += r.RxBytes
			}
			log.Printf("%d packets received", total.RxPackets)
			log.Printf("%d bytes received", total.RxBytes)
		}
	}
}
