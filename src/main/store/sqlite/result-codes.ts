/**
 * SQLite's result codes by number, named as better-sqlite3 names them ("SQLITE_IOERR_SHMSIZE"). node:sqlite gives
 * only the number (`errcode`, the extended code) and a sentence; the store classifies errors by name
 * (store/errors.ts), so the node:sqlite driver names them with this table. From sqlite3.h; an extended code missing
 * here is named by its primary code (the low byte), which every check of the store is written against.
 */
const PRIMARY: readonly string[] = [
  'OK', 'ERROR', 'INTERNAL', 'PERM', 'ABORT', 'BUSY', 'LOCKED', 'NOMEM', 'READONLY', 'INTERRUPT', 'IOERR', 'CORRUPT',
  'NOTFOUND', 'FULL', 'CANTOPEN', 'PROTOCOL', 'EMPTY', 'SCHEMA', 'TOOBIG', 'CONSTRAINT', 'MISMATCH', 'MISUSE', 'NOLFS',
  'AUTH', 'FORMAT', 'RANGE', 'NOTADB', 'NOTICE', 'WARNING',
];

/** Extended codes: primary | (n << 8). */
const EXTENDED: Readonly<Record<number, string>> = {
  261: 'BUSY_RECOVERY', 517: 'BUSY_SNAPSHOT', 773: 'BUSY_TIMEOUT',
  262: 'LOCKED_SHAREDCACHE', 518: 'LOCKED_VTAB',
  264: 'READONLY_RECOVERY', 520: 'READONLY_CANTLOCK', 776: 'READONLY_ROLLBACK', 1032: 'READONLY_DBMOVED',
  266: 'IOERR_READ', 522: 'IOERR_SHORT_READ', 778: 'IOERR_WRITE', 1034: 'IOERR_FSYNC', 1290: 'IOERR_DIR_FSYNC',
  1546: 'IOERR_TRUNCATE', 1802: 'IOERR_FSTAT', 2058: 'IOERR_UNLOCK', 2314: 'IOERR_RDLOCK', 2570: 'IOERR_DELETE',
  3082: 'IOERR_NOMEM', 3338: 'IOERR_ACCESS', 3594: 'IOERR_CHECKRESERVEDLOCK', 3850: 'IOERR_LOCK', 4106: 'IOERR_CLOSE',
  4618: 'IOERR_SHMOPEN', 4874: 'IOERR_SHMSIZE', 5130: 'IOERR_SHMLOCK', 5386: 'IOERR_SHMMAP', 5642: 'IOERR_SEEK',
  5898: 'IOERR_DELETE_NOENT', 6154: 'IOERR_MMAP', 6410: 'IOERR_GETTEMPPATH', 6666: 'IOERR_CONVPATH',
  267: 'CORRUPT_VTAB', 523: 'CORRUPT_SEQUENCE', 779: 'CORRUPT_INDEX',
  270: 'CANTOPEN_NOTEMPDIR', 526: 'CANTOPEN_ISDIR', 782: 'CANTOPEN_FULLPATH', 1038: 'CANTOPEN_CONVPATH',
  275: 'CONSTRAINT_CHECK', 531: 'CONSTRAINT_COMMITHOOK', 787: 'CONSTRAINT_FOREIGNKEY', 1043: 'CONSTRAINT_FUNCTION',
  1299: 'CONSTRAINT_NOTNULL', 1555: 'CONSTRAINT_PRIMARYKEY', 1811: 'CONSTRAINT_TRIGGER', 2067: 'CONSTRAINT_UNIQUE',
  2323: 'CONSTRAINT_VTAB', 2579: 'CONSTRAINT_ROWID', 2835: 'CONSTRAINT_PINNED', 3091: 'CONSTRAINT_DATATYPE',
};

export function resultCodeName(code: number): string {
  const name = EXTENDED[code] ?? PRIMARY[code & 0xff];
  return name === undefined ? `SQLITE_UNKNOWN_${code}` : `SQLITE_${name}`;
}
