-- Notes, each belonging to one tenant; tenants are kept apart by PostgreSQL, not by the application's SQL.
--
-- Two roles (placeholders, so tests can use names of their own; roles belong to the whole cluster):
--   ${owner_role}: owns the table; cannot log in.
--   ${app_role}:   what the application logs in as; not the owner, no BYPASSRLS, only row privileges.
-- Run by an administrator that may create roles (postgres, rds_superuser). Passwords are not set here: give
-- the application role one with ALTER ROLE ... PASSWORD (or IAM authentication) outside any migration.
do $$
begin
    if not exists (select from pg_roles where rolname = '${owner_role}') then
        create role ${owner_role} nologin;
    end if;
    if not exists (select from pg_roles where rolname = '${app_role}') then
        create role ${app_role} login nosuperuser nobypassrls noinherit;
    end if;
end
$$;

create table note (
    -- Set by PostgreSQL from the transaction's tenant: the application never names a tenant in its SQL.
    tenant_id  text        not null default current_setting('app.tenant_id'),
    id         bigint      generated always as identity primary key,
    title      text        not null check (char_length(title) between 1 and 200),
    body       text        not null default '' check (char_length(body) <= 10000),
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
);
create index note_tenant_id on note (tenant_id, id);

alter table note owner to ${owner_role};

-- Row-level security, forced so that even the owner is subject to it. Without app.tenant_id set in the
-- transaction, current_setting(..., true) is NULL (or '' on a session that set it before): no row matches.
alter table note enable row level security;
alter table note force row level security;
create policy note_by_tenant on note
    using (tenant_id = current_setting('app.tenant_id', true))
    with check (tenant_id = current_setting('app.tenant_id', true));

grant usage on schema public to ${app_role};
grant select, insert, update, delete on note to ${app_role};
