insert into thing (name, owner_name) values ('seeded', 'ops');
