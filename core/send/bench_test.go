package send

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"handover/internal/sendtest"
)

// TestThroughputAgainstPeers is the BENCHMARKS.md measurement, not a test:
// HANDOVER_SEND_BENCH_MB=500 go test -run ThroughputAgainstPeers -v ./core/send
// sends one file of that size over loopback to the real sshd and rclone
// servers (sshd, rclone, and lighttpd, which writes ranges) with Handover,
// with scp and sftp, and with curl -T, and prints
// each one's MB/s (best of HANDOVER_SEND_BENCH_RUNS, default 2). Nothing is
// asserted: timings depend on the machine.
func TestThroughputAgainstPeers(t *testing.T) {
	mb, _ := strconv.Atoi(os.Getenv("HANDOVER_SEND_BENCH_MB"))
	if mb <= 0 {
		t.Skip("set HANDOVER_SEND_BENCH_MB to measure")
	}
	runs, _ := strconv.Atoi(os.Getenv("HANDOVER_SEND_BENCH_RUNS"))
	if runs <= 0 {
		runs = 2
	}
	size := int64(mb) << 20
	pkg := sendtest.RandomFile(t, "bench.zip.age", size)
	best := func(name string, f func() error) {
		var b time.Duration
		for i := 0; i < runs; i++ {
			start := time.Now()
			if err := f(); err != nil {
				t.Logf("%-34s failed: %v", name, err)
				return
			}
			if d := time.Since(start); b == 0 || d < b {
				b = d
			}
		}
		t.Logf("%-34s %7.1f MB/s  (%.2f s for %d MiB, best of %d)", name, float64(size)/1e6/b.Seconds(), b.Seconds(), mb, runs)
	}
	tool := func(name string, args ...string) func() error {
		return func() error {
			out, err := exec.Command(name, args...).CombinedOutput()
			if err != nil {
				return fmt.Errorf("%v: %s", err, out)
			}
			return nil
		}
	}

	s := sendtest.StartSSHD(t)
	key := filepath.Join(t.TempDir(), "id")
	os.WriteFile(key, s.ClientKey, 0o600)
	dest := sftpDest(t, s, s.Port)
	ssh := []string{"-i", key, "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR", "-P", strconv.Itoa(s.Port)}
	// Handover's whole send also hashes the file first and reads it back
	// afterwards; the upload phase alone is what scp and curl do.
	var upload time.Duration
	phase := func(req Request) func() error {
		return func() error {
			var from time.Time
			req.Progress = func(p Progress) {
				switch {
				case p.Stage == "sending" && from.IsZero():
					from = time.Now()
				case p.Stage == "reading back" && !from.IsZero():
					if d := time.Since(from); upload == 0 || d < upload {
						upload = d
					}
				}
			}
			_, err := Send(context.Background(), req)
			return err
		}
	}
	upload = 0
	best("handover send (SFTP, whole)", phase(Request{Package: pkg, To: dest, Creds: Credentials{KeyPEM: s.ClientKey}, HostKeys: sendtest.NewMemHostKeys()}))
	t.Logf("%-34s %7.1f MB/s", "handover send (SFTP, upload phase)", float64(size)/1e6/upload.Seconds())
	best("scp", tool("scp", append(ssh, pkg, fmt.Sprintf("%s@127.0.0.1:%s/scp.bin", s.User, s.Dir))...))
	batch := filepath.Join(t.TempDir(), "batch")
	os.WriteFile(batch, []byte(fmt.Sprintf("put %s %s/sftp.bin\n", pkg, s.Dir)), 0o644)
	best("sftp -b (put)", tool("sftp", append(append(ssh, "-b", batch), fmt.Sprintf("%s@127.0.0.1", s.User))...))

	d := sendtest.StartWebDAV(t)
	t.Setenv(CAEnv, d.CAFile)
	dd := davDest(t, d, d.Port, "drop")
	upload = 0
	best("handover send (WebDAV, whole)", phase(Request{Package: pkg, To: dd, Creds: Credentials{Password: d.Pass}}))
	t.Logf("%-34s %7.1f MB/s", "handover send (WebDAV, upload phase)", float64(size)/1e6/upload.Seconds())
	best("curl -T", tool("curl", "-sS", "-f", "--cacert", d.CAFile, "-u", d.User+":"+d.Pass, "-T", pkg,
		fmt.Sprintf("https://127.0.0.1:%d/drop/curl.bin", d.Port)))

	// lighttpd writes ranges: Handover's upload goes in pieces there (each
	// one copied into the file by lighttpd's partial-put-copy-modify).
	l := sendtest.StartLighttpd(t, true)
	t.Setenv(CAEnv, l.CAFile)
	ld := davDest(t, l, l.Port, "drop")
	upload = 0
	best("handover send (lighttpd, whole)", phase(Request{Package: pkg, To: ld, Creds: Credentials{Password: l.Pass}}))
	t.Logf("%-34s %7.1f MB/s", "handover send (lighttpd, upload)", float64(size)/1e6/upload.Seconds())
	best("curl -T (lighttpd)", tool("curl", "-sS", "-f", "--cacert", l.CAFile, "-u", l.User+":"+l.Pass, "-T", pkg,
		fmt.Sprintf("https://127.0.0.1:%d/drop/curl.bin", l.Port)))
}
