// Command stageprof measures staging alone: it reads every row already staged
// in a project (as a finished ingest left them) and stages them again, through
// workspace.Encode and Stager.StageEncoded, into a new project, so the cost of
// the project file's form is seen without the reading and mapping that
// precede it in an ingest. It prints the CPU seconds of encoding, staging and
// the commit (process user+sys, read around each phase; the commit's wall
// time too, which waits for the disk) and, with
// -cpuprofile, a profile for `go tool pprof -top`.
//
//	go run ./scripts/bench/stageprof -from FIRM.handover -w /tmp/new.handover [-cpuprofile cpu.out]
package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"runtime/pprof"
	"syscall"
	"time"

	"handover/core/model"
	"handover/core/workspace"

	_ "modernc.org/sqlite"
)

func cpu() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func main() {
	from := flag.String("from", "", "project whose staged rows are replayed (read only)")
	to := flag.String("w", "", "project to stage into (created; must not exist)")
	cpuprof := flag.String("cpuprofile", "", "write a CPU profile of the staging here")
	flag.Parse()
	if *from == "" || *to == "" {
		flag.Usage()
		os.Exit(2)
	}
	if err := run(*from, *to, *cpuprof); err != nil {
		fmt.Fprintln(os.Stderr, "stageprof:", err)
		os.Exit(1)
	}
}

type source struct {
	id   int64
	info workspace.SourceInfo
}

func run(from, to, cpuprof string) error {
	ctx := context.Background()
	src, err := sql.Open("sqlite", "file:"+from+"?mode=ro")
	if err != nil {
		return err
	}
	defer src.Close()
	var sources []source
	q, err := src.Query(`SELECT id, path, name, size, sha256, format, system, profile FROM sources ORDER BY id`)
	if err != nil {
		return err
	}
	for q.Next() {
		var s source
		if err := q.Scan(&s.id, &s.info.Path, &s.info.Name, &s.info.Size, &s.info.SHA256, &s.info.Format, &s.info.System, &s.info.Profile); err != nil {
			return err
		}
		sources = append(sources, s)
	}
	q.Close()
	w, err := workspace.Create(to)
	if err != nil {
		return err
	}
	defer w.Close()
	if cpuprof != "" {
		f, err := os.Create(cpuprof)
		if err != nil {
			return err
		}
		pprof.StartCPUProfile(f)
		defer pprof.StopCPUProfile()
	}
	var encode, stage, commit, commitWall time.Duration
	var n int64
	start := time.Now()
	for _, s := range sources {
		st, err := w.BeginSource(ctx, s.info)
		if err != nil {
			return err
		}
		headers := map[int64]int64{}
		hq, err := src.Query(`SELECT id, locator, names FROM headers WHERE source_id = ? ORDER BY id`, s.id)
		if err != nil {
			return err
		}
		for hq.Next() {
			var id int64
			var loc, names string
			var cols []string
			if err := hq.Scan(&id, &loc, &names); err != nil {
				return err
			}
			json.Unmarshal([]byte(names), &cols)
			if headers[id], err = st.Header(ctx, loc, cols); err != nil {
				return err
			}
		}
		hq.Close()
		// One row and its derived records are staged together: read in id order.
		rq, err := src.Query(`SELECT row_no, locator, coalesce(header_id, 0), coalesce(raw, '[]'), outcome, derived, entity,
			coalesce(key, ''), coalesce(data, ''), reason, detail, coalesce(ledger, '')
			FROM rows WHERE source_id = ? ORDER BY id`, s.id)
		if err != nil {
			return err
		}
		var pending *workspace.Row
		flush := func() error {
			if pending == nil {
				return nil
			}
			c0 := cpu()
			e, err := workspace.Encode(*pending)
			c1 := cpu()
			encode += c1 - c0
			if err != nil {
				return err
			}
			err = st.StageEncoded(ctx, e)
			stage += cpu() - c1
			n++
			pending = nil
			return err
		}
		for rq.Next() {
			var num, header, derived int64
			var loc, raw, outcome, entity, key, data, reason, detail, ledger string
			if err := rq.Scan(&num, &loc, &header, &raw, &outcome, &derived, &entity, &key, &data, &reason, &detail, &ledger); err != nil {
				return err
			}
			if derived == 1 && pending != nil {
				pending.Records = append(pending.Records, model.Record{Entity: model.Entity(entity), Key: key, Data: json.RawMessage(data)})
				continue
			}
			if err := flush(); err != nil {
				return err
			}
			r := workspace.Row{Num: num, Locator: loc, Header: headers[header], Detail: detail}
			json.Unmarshal([]byte(raw), &r.Raw)
			switch outcome {
			case "record":
				r.Records = []model.Record{{Entity: model.Entity(entity), Key: key, Data: json.RawMessage(data)}}
			case "excluded":
				r.Excluded, r.Entity = model.Reason(reason), model.Entity(entity)
				if data != "" {
					r.Excl = json.RawMessage(data)
				}
				if ledger != "" {
					r.Ledger = &model.LedgerLine{}
					json.Unmarshal([]byte(ledger), r.Ledger)
				}
			case "rejected":
				r.Reject = reason
			}
			pending = &r
		}
		if err := rq.Err(); err != nil {
			return err
		}
		rq.Close()
		if err := flush(); err != nil {
			return err
		}
		c0, w0 := cpu(), time.Now()
		if _, err := st.Commit(ctx); err != nil {
			return err
		}
		commit += cpu() - c0
		commitWall += time.Since(w0)
	}
	c0 := cpu()
	err = w.Close()
	closing := cpu() - c0
	fmt.Printf("staged %d rows in %.2f s wall; CPU: encode %.2f s, stage %.2f s, commit %.2f s (%.2f s wall), close %.2f s\n",
		n, time.Since(start).Seconds(), encode.Seconds(), stage.Seconds(), commit.Seconds(), commitWall.Seconds(), closing.Seconds())
	return err
}
