// Command pesubsys copies a Windows PE executable and sets its subsystem to
// "console" or "gui" (what `editbin /SUBSYSTEM:...` does), then fixes the PE
// checksum.
//
//	go run ./packaging/pesubsys -subsystem console in.exe out.exe
//
// Why: the desktop app is linked with -H=windowsgui so double-clicking it opens
// no console window, but then cmd.exe/PowerShell neither wait for it nor show
// its output. handover-cli.exe is the very same binary (same code, icon and
// version info) with the console subsystem, which is all that the Go linker's
// -H=windowsgui changes (cmd/link/internal/ld/pe.go), so it costs no second
// cgo build. Sign the result afterwards: signing covers these header bytes.
package main

import (
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"os"
)

const (
	subsystemGUI     = 2 // IMAGE_SUBSYSTEM_WINDOWS_GUI
	subsystemConsole = 3 // IMAGE_SUBSYSTEM_WINDOWS_CUI
)

// setSubsystem patches b in place.
func setSubsystem(b []byte, subsystem uint16) error {
	if len(b) < 0x40 || b[0] != 'M' || b[1] != 'Z' {
		return errors.New("not a PE file (no MZ header)")
	}
	peOff := int(binary.LittleEndian.Uint32(b[0x3c:]))
	if peOff+24+72 > len(b) || string(b[peOff:peOff+4]) != "PE\x00\x00" {
		return errors.New("not a PE file (no PE signature)")
	}
	opt := peOff + 24 // optional header follows the 4-byte signature and 20-byte COFF header
	switch magic := binary.LittleEndian.Uint16(b[opt:]); magic {
	case 0x10b, 0x20b: // PE32, PE32+: CheckSum at +64 and Subsystem at +68 in both
	default:
		return fmt.Errorf("unknown optional header magic %#x", magic)
	}
	binary.LittleEndian.PutUint16(b[opt+68:], subsystem)
	binary.LittleEndian.PutUint32(b[opt+64:], 0)
	binary.LittleEndian.PutUint32(b[opt+64:], checksum(b, opt+64))
	return nil
}

// checksum is the PE image checksum (imagehlp CheckSumMappedFile): a 16-bit
// one's-complement-style sum of the file's words, skipping the checksum
// field, plus the file length.
func checksum(b []byte, skip int) uint32 {
	var sum uint64
	for i := 0; i < len(b); i += 2 {
		if i == skip || i == skip+2 {
			continue
		}
		w := uint64(b[i])
		if i+1 < len(b) {
			w |= uint64(b[i+1]) << 8
		}
		sum += w
		sum = (sum & 0xffff) + (sum >> 16)
	}
	sum = (sum & 0xffff) + (sum >> 16)
	return uint32(sum) + uint32(len(b))
}

func main() {
	mode := flag.String("subsystem", "console", "console or gui")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: pesubsys -subsystem console|gui in.exe out.exe")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() != 2 {
		flag.Usage()
		os.Exit(2)
	}
	var sub uint16
	switch *mode {
	case "console":
		sub = subsystemConsole
	case "gui":
		sub = subsystemGUI
	default:
		flag.Usage()
		os.Exit(2)
	}
	b, err := os.ReadFile(flag.Arg(0))
	if err == nil {
		err = setSubsystem(b, sub)
	}
	if err == nil {
		err = os.WriteFile(flag.Arg(1), b, 0o755)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "pesubsys:", err)
		os.Exit(1)
	}
}
