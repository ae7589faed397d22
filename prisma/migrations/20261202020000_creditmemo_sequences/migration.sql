-- Credit memo numbers come from a sequence per store, creditmemo_number_<stores.id>, as Magento 2 draws them from its
-- sequence_creditmemo_<store_id> tables: nextval takes no lock that lasts, so memos of one store no longer queue on
-- the store's row from their number to their commit (under load they waited out statement_timeout there). A memo
-- rolled back after its number was drawn leaves a gap, as in Magento 2. stores.last_creditmemo_number is where a
-- store's sequence starts (its last number when the store was written), and a write that raises it draws from the
-- sequence (the demo factories number memos so), so the two never hand out one number twice.
CREATE FUNCTION creditmemo_sequence_create() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- A store's id is its own while it exists: a sequence left by an earlier store of that id is not its.
  EXECUTE format('DROP SEQUENCE IF EXISTS %I', 'creditmemo_number_' || NEW.id);
  EXECUTE format('CREATE SEQUENCE %I AS bigint MINVALUE 0 START WITH %s', 'creditmemo_number_' || NEW.id, NEW.last_creditmemo_number + 1);
  RETURN NEW;
END
$$;

CREATE FUNCTION creditmemo_sequence_drop() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE format('DROP SEQUENCE IF EXISTS %I', 'creditmemo_number_' || OLD.id);
  RETURN OLD;
END
$$;

CREATE FUNCTION creditmemo_sequence_advance() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  drawn bigint := nextval(format('%I', 'creditmemo_number_' || NEW.id)::regclass);
BEGIN
  IF NEW.last_creditmemo_number > drawn THEN
    -- Set past what was drawn (an import of higher numbers): the sequence goes on from there.
    PERFORM setval(format('%I', 'creditmemo_number_' || NEW.id)::regclass, NEW.last_creditmemo_number);
  ELSE
    NEW.last_creditmemo_number := drawn;
  END IF;
  RETURN NEW;
END
$$;

CREATE TRIGGER stores_creditmemo_sequence_advance BEFORE UPDATE OF last_creditmemo_number ON stores FOR EACH ROW
  WHEN (NEW.last_creditmemo_number > OLD.last_creditmemo_number) EXECUTE FUNCTION creditmemo_sequence_advance();
CREATE TRIGGER stores_creditmemo_sequence_create AFTER INSERT ON stores FOR EACH ROW EXECUTE FUNCTION creditmemo_sequence_create();
CREATE TRIGGER stores_creditmemo_sequence_drop AFTER DELETE ON stores FOR EACH ROW EXECUTE FUNCTION creditmemo_sequence_drop();

-- The stores there are: each sequence starts after the store's last number.
DO $$
DECLARE
  store record;
BEGIN
  FOR store IN SELECT id, last_creditmemo_number FROM stores LOOP
    EXECUTE format('CREATE SEQUENCE %I AS bigint MINVALUE 0 START WITH %s', 'creditmemo_number_' || store.id, store.last_creditmemo_number + 1);
  END LOOP;
END
$$;
