// Checks the ledger's checkpoints and proofs with Go's golang.org/x/mod/sumdb/note and tlog packages, an
// implementation of signed notes and RFC 6962 proofs that this project did not write. Reads a JSON request on
// stdin, prints "ok" or the first failure and exits non-zero.
package main

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

type proof struct {
	Index    int64    `json:"index"`
	TreeSize int64    `json:"treeSize"`
	From     int64    `json:"from"`
	To       int64    `json:"to"`
	FromRoot string   `json:"fromRoot"`
	Hashes   []string `json:"hashes"`
}

type request struct {
	VerifierKey string   `json:"verifierKey"`
	Checkpoint  string   `json:"checkpoint"`
	Leaves      []string `json:"leaves"`
	Inclusion   []proof  `json:"inclusion"`
	Consistency []proof  `json:"consistency"`
}

func hashes(list []string) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(list))
	for i, text := range list {
		raw, err := base64.StdEncoding.DecodeString(text)
		if err != nil || len(raw) != tlog.HashSize {
			return nil, fmt.Errorf("hash %d is not base64 of 32 bytes", i)
		}
		copy(out[i][:], raw)
	}
	return out, nil
}

func run() error {
	var req request
	if err := json.NewDecoder(os.Stdin).Decode(&req); err != nil {
		return err
	}
	verifier, err := note.NewVerifier(req.VerifierKey)
	if err != nil {
		return fmt.Errorf("verifier key: %w", err)
	}
	opened, err := note.Open([]byte(req.Checkpoint), note.VerifierList(verifier))
	if err != nil {
		return fmt.Errorf("checkpoint signature: %w", err)
	}
	lines := strings.Split(opened.Text, "\n")
	if len(lines) < 3 {
		return fmt.Errorf("checkpoint body too short")
	}
	size, err := strconv.ParseInt(lines[1], 10, 64)
	if err != nil {
		return fmt.Errorf("checkpoint size: %w", err)
	}
	roots, err := hashes([]string{lines[2]})
	if err != nil {
		return fmt.Errorf("checkpoint root: %w", err)
	}
	root := roots[0]
	for _, p := range req.Inclusion {
		leaf, err := base64.StdEncoding.DecodeString(req.Leaves[p.Index])
		if err != nil {
			return err
		}
		path, err := hashes(p.Hashes)
		if err != nil {
			return err
		}
		if p.TreeSize != size {
			return fmt.Errorf("inclusion proof for size %d, checkpoint has %d", p.TreeSize, size)
		}
		if err := tlog.CheckRecord(tlog.RecordProof(path), size, root, p.Index, tlog.RecordHash(leaf)); err != nil {
			return fmt.Errorf("inclusion of entry %d: %w", p.Index, err)
		}
	}
	for _, p := range req.Consistency {
		path, err := hashes(p.Hashes)
		if err != nil {
			return err
		}
		older, err := hashes([]string{p.FromRoot})
		if err != nil {
			return err
		}
		if err := tlog.CheckTree(tlog.TreeProof(path), size, root, p.From, older[0]); err != nil {
			return fmt.Errorf("consistency %d -> %d: %w", p.From, size, err)
		}
	}
	return nil
}

func main() {
	if err := run(); err != nil {
		fmt.Println(err)
		os.Exit(1)
	}
	fmt.Println("ok")
}
