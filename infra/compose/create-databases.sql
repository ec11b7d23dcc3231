-- One database per service (DESIGN.md). Run once by the postgres image on first start.
CREATE DATABASE enrollment;
CREATE DATABASE evaluation;
CREATE DATABASE matching;
CREATE DATABASE outcomes;
CREATE DATABASE operations;
