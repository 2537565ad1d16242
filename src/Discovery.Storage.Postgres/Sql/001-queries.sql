-- Orleans' ADO.NET providers issue no SQL of their own: at start-up each one reads the query texts it needs from
-- this table, by key, and runs them with named parameters. The contract is the keys, the parameter names and the
-- result columns; the SQL behind them is ours.
CREATE TABLE IF NOT EXISTS OrleansQuery
(
    QueryKey  varchar(64)   NOT NULL,
    QueryText varchar(8000) NOT NULL,
    CONSTRAINT OrleansQuery_Key PRIMARY KEY (QueryKey)
);
