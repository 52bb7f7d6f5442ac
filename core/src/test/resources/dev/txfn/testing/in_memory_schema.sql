-- Schema for InMemoryDatabaseTest: SQL in the common subset of PostgreSQL and H2.
create table thing (
    id bigserial primary key,
    name text not null unique,
    owner_name text,  -- a comment; with a semicolon
    note text default 'it''s; fine'
);

create table audit (
    id bigserial primary key,
    thing_id bigint not null references thing (id)
);
