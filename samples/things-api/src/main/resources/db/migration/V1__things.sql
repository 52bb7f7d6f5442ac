create table thing (
    id          bigint generated always as identity primary key,
    name        text        not null check (char_length(name) between 1 and 128),
    description text                 check (char_length(description) <= 2000),
    created_at  timestamptz not null default now()
);
