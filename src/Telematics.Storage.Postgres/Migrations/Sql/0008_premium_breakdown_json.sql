-- premiums.breakdown is written once per premium and only ever read back whole (GET /pricing/{id}/breakdown, the CLI);
-- no query looks inside it. As json the server checks that the text is JSON and keeps it exactly as written, instead of
-- building a jsonb tree for every premium: on a batch run that tree was about a third of the server's time per driver
-- (benchmarks/results/stored-batch-score.md). The breakdown's amounts keep their exact decimal digits either way.
ALTER TABLE premiums ALTER COLUMN breakdown TYPE json USING breakdown::json;
