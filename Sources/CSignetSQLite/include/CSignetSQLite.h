#ifndef C_SIGNET_SQLITE_H
#define C_SIGNET_SQLITE_H

/// Turns on SQLite's query planner stability guarantee (SQLITE_DBCONFIG_ENABLE_QPSG) on a connection
/// of sqlite-nio's SQLite library (its `sqlite3 *`). Swift cannot call the variadic
/// `sqlite3_db_config` itself, hence this function. Returns 0 when the guarantee is on, else
/// SQLite's error code (or 1 when SQLite answered OK but left it off).
int signet_sqlite_enable_qpsg(void *connection);

#endif
