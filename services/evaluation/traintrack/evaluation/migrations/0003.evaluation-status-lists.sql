-- depends: 0002.evaluation-per-enrollment
-- Revocation as a W3C Bitstring Status List: each credential issued from here holds one
-- bit (status_index) of one list (status_list), set while it is revoked. The n-th
-- credential given a status takes number n of the sequence (never handed out twice,
-- whatever runs at once); domain/status_list.place turns n into its list and index.
-- Credentials issued before carry no status entry (NULL): their signed credentialStatus
-- names /v1/credentials/{id}/status instead.

CREATE SEQUENCE credential_status_seq MINVALUE 0 START 0;

ALTER TABLE credentials
    ADD COLUMN status_list integer,
    ADD COLUMN status_index integer,
    ADD CONSTRAINT credentials_status_unique UNIQUE (status_list, status_index);

CREATE INDEX credentials_revoked_in_list ON credentials (status_list, status_index)
    WHERE revoked_at IS NOT NULL;
