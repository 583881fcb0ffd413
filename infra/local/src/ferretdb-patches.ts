import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/**
 * Source edits applied to FerretDB 1.24.2 at build time, so nothing of FerretDB's source is kept in this
 * repository: the build copies the module from the Go module cache into its staging folder, checks that each
 * text to replace is there exactly as expected, edits the copy, and builds against it (`go build -modfile` with
 * a `replace` directive; `-overlay` refuses files under the module cache).
 *
 * Why: in the SQLite backend every lookup by `_id` scanned the whole table, because the query spelled the
 * `_id` path `->'$._id'` while the unique index is built on `->"_id"`, and SQLite only uses an expression
 * index for the identical expression. Updates and deletes (which always look a document up by `_id` first) then
 * cost time in proportion to the collection: 40 ms per update at 10,000 documents against 0.8 ms per find.
 * And a filter with anything beside `_id` (every guarded write: `{_id, remaining: {$gte: n}}`) was not pushed
 * down at all. FerretDB always re-applies the whole filter to what the backend returns, so narrowing the SQL
 * query to the `_id` match is safe whatever else the filter says.
 *
 * And why the write locks: FerretDB applies an update, a findAndModify or a delete as a read of the matching
 * document followed by a separate write of the result, with nothing between them, so two connections could both
 * pass the same guard (`{_id, available: {$gte: n}}`) and both spend the money. MongoDB makes every
 * single-document write atomic, and the services rely on exactly that. Each such statement holds a
 * lock from its read to its write: its document's, when its filter names one `_id` (every guarded write here),
 * else its whole collection's (see `documentWritesSource`). An earlier build held one lock for every write of
 * every database, so one service's writes queued behind another's; SQLite still serializes the commits
 * themselves (per database file), and reads take no lock.
 *
 * And why the ordered insert: FerretDB inserts in chunks of 100 and, when a chunk meets a duplicate key, inserts
 * that chunk's documents one by one; an ordered insert stopped only that inner loop and went on with the next
 * chunk. So an ordered `insertMany` of 250 documents whose first was a duplicate reported "failed at 0" yet
 * wrote documents 100 to 249. MongoDB stops at the first error, and the ledger's append relies on it: its
 * entries are claimed with an ordered insert at consecutive indexes (found by the fault tests: entries written
 * 100 places beyond the log's head after a crash, never served).
 *
 * And why `_id: {$in: [...]}` is pushed down: FerretDB answered it by reading the whole collection, so a cold
 * inclusion proof (one `$in` of O(log n) Merkle node ids) took about 38 s at 475,000 entries. The ids become an
 * SQL `IN` on the `_id` index; as above, FerretDB still applies the whole filter to what comes back.
 *
 * And why inserts go in batches of 1,000: each batch is one SQLite transaction with its own commit and fsync,
 * so the ledger's append of 1,000 entries paid ten of them (156 ms per group; 103 ms with one). The ordered-insert
 * fix above still applies per batch, and the store test inserts across several batches.
 *
 * And why an update command of many statements can be one commit: FerretDB committed each statement on its own,
 * so a service's bulk write of 50 guarded updates paid 50 commits and their fsyncs (951-1,041 updates/s in
 * 50-statement commands; 2,044-2,165 written together). And why each statement's read is closed when the
 * statement ends: FerretDB closed them all when the command ended, so a command of 100 statements held all 100
 * connections of its database's SQLite pool and waited for a 101st forever, and so did everything after it.
 *
 * And why resource tracking is left to debug builds: FerretDB registers every cursor and iterator in a pprof
 * profile, capturing its stack, and sets a finalizer that panics on a leak. It is a developer's leak detector, on
 * in release builds too; profiled under `_id` reads, capturing those stacks took 18% of FerretDB's CPU.
 */
export interface SourcePatch {
  /** Path inside the FerretDB module. */
  file: string;
  find: string;
  replace: string;
  /** How many times `find` must occur: a different count means the source is not the one this patch was made for. */
  occurrences: number;
}

/**
 * The write locks, added to FerretDB's handler package (Go, tab-indented). A write statement whose filter names
 * one `_id` (every guarded write of the services) holds that document's lock and its collection's shared lock;
 * any other (a filter without `_id`, or `_id` by an operator) holds its collection's exclusive lock. So each
 * single-document read-then-write is atomic, writes of different documents overlap, and a multi-document write
 * still excludes every other write of its collection. Inserts take no lock: the unique `_id` index decides.
 */
const documentWritesSource = `// documentWrites makes each read-then-write of one document atomic across connections (see lock).
var documentWrites = &writeLocks{held: map[string]*heldLock{}}

// heldLock is one collection's or document's lock, kept only while someone holds or waits for it.
type heldLock struct {
	sync.RWMutex
	holders int
}

type writeLocks struct {
	mu   sync.Mutex
	held map[string]*heldLock
}

// singleID is the _id a filter names by equality, as a lock key; false when it names none or uses an operator.
func singleID(filter *types.Document) (string, bool) {
	if filter == nil {
		return "", false
	}
	v, err := filter.Get("_id")
	if err != nil {
		return "", false
	}
	switch v.(type) {
	case string, types.ObjectID, int32, int64, float64, bool:
		return fmt.Sprintf("%T:%v", v, v), true
	default:
		return "", false
	}
}

func (l *writeLocks) acquire(key string) *heldLock {
	l.mu.Lock()
	defer l.mu.Unlock()
	h, ok := l.held[key]
	if !ok {
		h = new(heldLock)
		l.held[key] = h
	}
	h.holders++
	return h
}

func (l *writeLocks) release(key string, h *heldLock) {
	l.mu.Lock()
	defer l.mu.Unlock()
	h.holders--
	if h.holders == 0 {
		delete(l.held, key)
	}
}

// lockAll takes the locks of statements that each name a different document by _id: the collection's shared lock,
// then the documents' locks in key order, so commands that lock overlapping documents cannot deadlock.
func (l *writeLocks) lockAll(db, collection string, ids []string) func() {
	name := db + "." + collection
	shared := l.acquire(name)
	shared.RLock()
	keys := make([]string, len(ids))
	for i, id := range ids {
		keys[i] = name + "\\x00" + id
	}
	sort.Strings(keys)
	docs := make([]*heldLock, len(keys))
	for i, key := range keys {
		docs[i] = l.acquire(key)
		docs[i].Lock()
	}
	return func() {
		for i := len(keys) - 1; i >= 0; i-- {
			docs[i].Unlock()
			l.release(keys[i], docs[i])
		}
		shared.RUnlock()
		l.release(name, shared)
	}
}

// lock takes the locks for one write statement and returns their release.
func (l *writeLocks) lock(db, collection string, filter *types.Document) func() {
	id, byID := singleID(filter)
	if byID {
		return l.lockAll(db, collection, []string{id})
	}
	name := db + "." + collection
	shared := l.acquire(name)
	shared.Lock()
	return func() {
		shared.Unlock()
		l.release(name, shared)
	}
}
`;

/**
 * An update command whose statements each name a different document by \`_id\` (no multi, no upsert), as the
 * services' bulk writes do, is written in one transaction: its documents' locks are all taken first, each statement
 * is applied in memory, and the changed documents go to the backend in one \`UpdateAll\`, one commit for the whole
 * command instead of one per statement. The command is all or nothing, as it is when a statement fails.
 */
const oneCommitUpdatesSource = `// oneCommitIDs answers the lock keys of an update command that can be written in one commit: more than one
// statement, each naming a different document by _id equality, none multi or upsert.
func oneCommitIDs(params *common.UpdateParams) ([]string, bool) {
	if len(params.Updates) < 2 {
		return nil, false
	}
	ids := make([]string, 0, len(params.Updates))
	seen := make(map[string]struct{}, len(params.Updates))
	for _, u := range params.Updates {
		if u.Multi || u.Upsert {
			return nil, false
		}
		id, ok := singleID(u.Filter)
		if !ok {
			return nil, false
		}
		if _, twice := seen[id]; twice {
			return nil, false
		}
		seen[id] = struct{}{}
		ids = append(ids, id)
	}
	return ids, true
}

// pendingUpdates keeps the documents a command's statements changed, for one UpdateAll at its end.
type pendingUpdates struct {
	backends.Collection
	docs []*types.Document
}

func (p *pendingUpdates) UpdateAll(_ context.Context, params *backends.UpdateAllParams) (*backends.UpdateAllResult, error) {
	p.docs = append(p.docs, params.Docs...)
	return &backends.UpdateAllResult{Updated: int32(len(params.Docs))}, nil
}

// updateInOneCommit applies an update command that oneCommitIDs accepted, holding its documents' locks throughout.
func (h *Handler) updateInOneCommit(ctx context.Context, db backends.Database, params *common.UpdateParams, ids []string) (int32, int32, *types.Array, error) {
	c, err := db.Collection(params.Collection)
	if err != nil {
		return 0, 0, nil, lazyerrors.Error(err)
	}

	defer documentWrites.lockAll(params.DB, params.Collection, ids)()

	pending := &pendingUpdates{Collection: c}
	var matched, modified int32

	for _, u := range params.Updates {
		var qp backends.QueryParams
		if !h.DisablePushdown {
			qp.Filter = u.Filter
		}

		found, err := c.Query(ctx, &qp)
		if err != nil {
			return 0, 0, nil, lazyerrors.Error(err)
		}

		closer := iterator.NewMultiCloser()
		closer.Add(found.Iter)
		iter := common.LimitIterator(common.FilterIterator(found.Iter, closer, u.Filter), closer, 1)
		result, err := common.UpdateDocument(ctx, pending, "update", iter, &u)
		closer.Close()

		if err != nil {
			return 0, 0, nil, lazyerrors.Error(err)
		}

		matched += result.Matched.Count
		modified += result.Modified.Count
	}

	if len(pending.docs) > 0 {
		if _, err = c.UpdateAll(ctx, &backends.UpdateAllParams{Docs: pending.docs}); err != nil {
			return 0, 0, nil, lazyerrors.Error(err)
		}
	}

	return matched, modified, new(types.Array), nil
}
`;

export const ferretdbPatches: readonly SourcePatch[] = [
  {
    file: 'internal/backends/sqlite/metadata/metadata.go',
    find: `IDColumn = DefaultColumn + "->'$._id'"`,
    replace: 'IDColumn = DefaultColumn + `->"_id"`',
    occurrences: 1,
  },
  {
    file: 'internal/backends/sqlite/collection.go',
    find: 'if params.Filter.Len() == 1 {',
    replace: 'if params.Filter.Has("_id") {',
    occurrences: 2,
  },
  {
    file: 'internal/backends/sqlite/collection.go',
    find:
      '\t\tcase string, types.ObjectID:\n' +
      '\t\t\twhereClause = fmt.Sprintf(` WHERE %s = ?`, metadata.IDColumn)\n' +
      '\t\t\targs = []any{string(must.NotFail(sjson.MarshalSingleValue(v)))}\n' +
      '\t\t}\n',
    replace:
      '\t\tcase string, types.ObjectID:\n' +
      '\t\t\twhereClause = fmt.Sprintf(` WHERE %s = ?`, metadata.IDColumn)\n' +
      '\t\t\targs = []any{string(must.NotFail(sjson.MarshalSingleValue(v)))}\n' +
      '\t\tcase *types.Document:\n' +
      '\t\t\tcondition := v.(*types.Document)\n' +
      '\t\t\tin, inErr := condition.Get("$in")\n' +
      '\t\t\tids, isArray := in.(*types.Array)\n' +
      '\t\t\tif inErr == nil && condition.Len() == 1 && isArray && ids.Len() > 0 && ids.Len() <= 1000 {\n' +
      '\t\t\t\tmarks := make([]string, 0, ids.Len())\n' +
      '\t\t\t\tidArgs := make([]any, 0, ids.Len())\n' +
      '\t\t\t\tfor i := 0; i < ids.Len(); i++ {\n' +
      '\t\t\t\t\tswitch id := must.NotFail(ids.Get(i)).(type) {\n' +
      '\t\t\t\t\tcase string, types.ObjectID:\n' +
      '\t\t\t\t\t\tmarks = append(marks, "?")\n' +
      '\t\t\t\t\t\tidArgs = append(idArgs, string(must.NotFail(sjson.MarshalSingleValue(id))))\n' +
      '\t\t\t\t\t}\n' +
      '\t\t\t\t}\n' +
      '\t\t\t\tif len(marks) == ids.Len() {\n' +
      '\t\t\t\t\twhereClause = fmt.Sprintf(` WHERE %s IN (%s)`, metadata.IDColumn, strings.Join(marks, ", "))\n' +
      '\t\t\t\t\targs = idArgs\n' +
      '\t\t\t\t}\n' +
      '\t\t\t}\n' +
      '\t\t}\n',
    occurrences: 1,
  },
  {
    file: 'internal/handler/msg_update.go',
    find: 'import (\n\t"context"\n\t"fmt"\n',
    replace: 'import (\n\t"context"\n\t"fmt"\n\t"sort"\n\t"sync"\n',
    occurrences: 1,
  },
  {
    file: 'internal/handler/msg_update.go',
    find: '// MsgUpdate implements `update` command.\n',
    replace: `${documentWritesSource}\n${oneCommitUpdatesSource}\n// MsgUpdate implements \`update\` command.\n`,
    occurrences: 1,
  },
  {
    file: 'internal/handler/msg_update.go',
    find: '\tfor _, u := range params.Updates {\n\t\tc, err := db.Collection(params.Collection)\n',
    replace:
      '\tif ids, ok := oneCommitIDs(params); ok {\n\t\treturn h.updateInOneCommit(ctx, db, params, ids)\n\t}\n\n' +
      '\tfor _, u := range params.Updates {\n\t\tc, err := db.Collection(params.Collection)\n',
    occurrences: 1,
  },
  {
    // Each statement's read is closed when the statement ends, not when the command does: a command of 100
    // statements held all 100 of the database's SQLite connections open and waited for a 101st forever.
    file: 'internal/handler/msg_update.go',
    find: '\t\tcloser := iterator.NewMultiCloser()\n\t\tdefer closer.Close()\n',
    replace: '\t\tcloser := iterator.NewMultiCloser()\n',
    occurrences: 1,
  },
  {
    // Each update statement holds its document's lock from its read to its write.
    file: 'internal/handler/msg_update.go',
    find: '\t\tres, err := c.Query(ctx, &qp)\n\t\tif err != nil {\n\t\t\treturn 0, 0, nil, lazyerrors.Error(err)\n',
    replace:
      '\t\tunlock := documentWrites.lock(params.DB, params.Collection, u.Filter)\n\n' +
      '\t\tres, err := c.Query(ctx, &qp)\n\t\tif err != nil {\n\t\t\tunlock()\n\n\t\t\treturn 0, 0, nil, lazyerrors.Error(err)\n',
    occurrences: 1,
  },
  {
    file: 'internal/handler/msg_update.go',
    find: '\t\tresult, err := common.UpdateDocument(ctx, c, "update", iter, &u)\n',
    replace:
      '\t\tresult, err := common.UpdateDocument(ctx, c, "update", iter, &u)\n\t\tcloser.Close()\n\t\tunlock()\n',
    occurrences: 1,
  },
  {
    file: 'internal/handler/msg_findandmodify.go',
    find: 'func (h *Handler) findAndModifyDocument(ctx context.Context, params *common.FindAndModifyParams) (*findAndModifyResult, error) {\n',
    replace:
      'func (h *Handler) findAndModifyDocument(ctx context.Context, params *common.FindAndModifyParams) (*findAndModifyResult, error) {\n' +
      '\tdefer documentWrites.lock(params.DB, params.Collection, params.Query)()\n\n',
    occurrences: 1,
  },
  {
    file: 'internal/handler/msg_delete.go',
    find: '\t\td, err = h.execDelete(connCtx, c, &p)\n',
    replace:
      '\t\tunlock := documentWrites.lock(params.DB, params.Collection, p.Filter)\n' +
      '\t\td, err = h.execDelete(connCtx, c, &p)\n\t\tunlock()\n',
    occurrences: 1,
  },
  {
    file: 'internal/util/fsql/db.go',
    find: '\t"log/slog"\n\t"time"\n',
    replace: '\t"log/slog"\n\t"sync"\n\t"time"\n',
    occurrences: 1,
  },
  {
    file: 'internal/util/fsql/db.go',
    find: '\tsqlDB     *sql.DB\n',
    replace: '\tsqlDB     *sql.DB\n\twrites    sync.Mutex\n',
    occurrences: 1,
  },
  {
    // Writers of one database queue here, in order, instead of in SQLite's busy handler, which sleeps up to
    // 100 ms between tries: measured, that put p99 of 32 concurrent updates at 540-640 ms against 70-80 ms.
    file: 'internal/util/fsql/db.go',
    find:
      '// InTransaction wraps the given function f in a transaction.\n' +
      '//\n' +
      '// If f returns an error or context is canceled, the transaction is rolled back.\n' +
      'func (db *DB) InTransaction(ctx context.Context, f func(*Tx) error) (err error) {\n',
    replace:
      "// Writing holds this database's write lock until the returned function is called.\n" +
      'func (db *DB) Writing() func() {\n\tdb.writes.Lock()\n\n\treturn db.writes.Unlock\n}\n\n' +
      '// InTransaction wraps the given function f in a transaction.\n' +
      '//\n' +
      '// If f returns an error or context is canceled, the transaction is rolled back.\n' +
      'func (db *DB) InTransaction(ctx context.Context, f func(*Tx) error) (err error) {\n' +
      '\tdefer db.Writing()()\n\n',
    occurrences: 1,
  },
  {
    file: 'internal/backends/sqlite/collection.go',
    find: '\tres, err := db.ExecContext(ctx, q, args...)\n',
    replace: '\tunlock := db.Writing()\n\tres, err := db.ExecContext(ctx, q, args...)\n\tunlock()\n',
    occurrences: 1,
  },
  {
    file: 'ferretdb/ferretdb.go',
    find: '\t\t\tBatchSize:               100,\n',
    replace: '\t\t\tBatchSize:               1000,\n',
    occurrences: 1,
  },
  {
    file: 'internal/util/resource/resource.go',
    find: 'func Track(obj any, token *Token) {\n',
    replace: 'func Track(obj any, token *Token) {\n\tif !debugbuild.Enabled {\n\t\treturn\n\t}\n\n',
    occurrences: 1,
  },
  {
    file: 'internal/util/resource/resource.go',
    find: 'func Untrack(obj any, token *Token) {\n',
    replace: 'func Untrack(obj any, token *Token) {\n\tif !debugbuild.Enabled {\n\t\treturn\n\t}\n\n',
    occurrences: 1,
  },
  {
    file: 'internal/handler/msg_insert.go',
    find: '\t\t\tif params.Ordered {\n\t\t\t\tbreak\n\t\t\t}\n\t\t}\n\t}\n\n\tres := must.NotFail',
    replace:
      '\t\t\tif params.Ordered {\n\t\t\t\tdone = true\n\n\t\t\t\tbreak\n\t\t\t}\n\t\t}\n\t}\n\n\tres := must.NotFail',
    occurrences: 1,
  },
];

/** Changes whenever the patches change, so an installed binary built with other patches is rebuilt. */
export function patchesFingerprint(patches: readonly SourcePatch[]): string {
  return createHash('sha256').update(JSON.stringify(patches)).digest('hex').slice(0, 12);
}

export function applyPatch(source: string, patch: SourcePatch): string {
  const found = source.split(patch.find).length - 1;
  if (found !== patch.occurrences) {
    throw new Error(
      `FerretDB patch for ${patch.file} expected ${patch.occurrences} occurrence(s) of ${JSON.stringify(patch.find)}, found ${found}`,
    );
  }
  return source.split(patch.find).join(patch.replace);
}

/**
 * Copies the module at `moduleDir` to `outDir` (writable, since the module cache is read-only) and applies the
 * patches to the copy.
 */
export function writePatchedCopy(moduleDir: string, outDir: string, patches: readonly SourcePatch[]): void {
  fs.cpSync(moduleDir, outDir, { recursive: true });
  for (const patch of patches) {
    const file = path.join(outDir, patch.file);
    fs.chmodSync(file, 0o644);
    fs.writeFileSync(file, applyPatch(fs.readFileSync(file, 'utf8'), patch));
  }
}
