-- The thing table of db/migration/V1__things.sql in the SQL H2 (PostgreSQL mode) also understands, for the
-- unit tests of the routes: H2 has no `timestamptz` alias, so the type is spelled out. Keep the two in step.
create table thing (
    id          bigint generated always as identity primary key,
    name        text                     not null check (char_length(name) between 1 and 128),
    description text                              check (char_length(description) <= 2000),
    created_at  timestamp with time zone not null default now()
);
