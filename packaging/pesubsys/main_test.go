package main

import (
	"encoding/binary"
	"testing"
)

// fakePE is just enough of a PE32+ header for setSubsystem.
func fakePE() []byte {
	b := make([]byte, 0x200)
	b[0], b[1] = 'M', 'Z'
	binary.LittleEndian.PutUint32(b[0x3c:], 0x80)
	copy(b[0x80:], "PE\x00\x00")
	binary.LittleEndian.PutUint16(b[0x80+24:], 0x20b)
	binary.LittleEndian.PutUint16(b[0x80+24+68:], subsystemGUI)
	return b
}

func TestSetSubsystem(t *testing.T) {
	b := fakePE()
	if err := setSubsystem(b, subsystemConsole); err != nil {
		t.Fatal(err)
	}
	opt := 0x80 + 24
	if got := binary.LittleEndian.Uint16(b[opt+68:]); got != subsystemConsole {
		t.Fatalf("subsystem = %d, want %d", got, subsystemConsole)
	}
	sum := binary.LittleEndian.Uint32(b[opt+64:])
	if sum == 0 || sum != checksum(b, opt+64) {
		t.Fatalf("checksum %#x not consistent with %#x", sum, checksum(b, opt+64))
	}
	// flipping back restores the original bytes apart from the checksum
	if err := setSubsystem(b, subsystemGUI); err != nil {
		t.Fatal(err)
	}
	if got := binary.LittleEndian.Uint16(b[opt+68:]); got != subsystemGUI {
		t.Fatalf("subsystem = %d, want %d", got, subsystemGUI)
	}
}

func TestRejectsNonPE(t *testing.T) {
	if err := setSubsystem([]byte("#!/bin/sh\necho not a PE file, clearly long enough to read a header from....."), subsystemConsole); err == nil {
		t.Fatal("want an error for a non-PE file")
	}
}
