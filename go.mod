module handover

go 1.26.8

require github.com/Valentin-Kaiser/go-dbase v1.12.9 // indirect
