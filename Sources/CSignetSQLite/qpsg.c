#include "CSignetSQLite.h"

/* sqlite-nio's SQLite (the VaporCSQLite target, linked through SQLiteNIO) prefixes its symbols. */
extern int sqlite_nio_sqlite3_db_config(void *connection, int option, ...);

/* SQLITE_DBCONFIG_ENABLE_QPSG in sqlite3.h. */
#define SIGNET_DBCONFIG_ENABLE_QPSG 1007

int signet_sqlite_enable_qpsg(void *connection) {
    int enabled = 0;
    int status = sqlite_nio_sqlite3_db_config(connection, SIGNET_DBCONFIG_ENABLE_QPSG, 1, &enabled);
    if (status != 0) return status;
    return enabled == 1 ? 0 : 1;
}
