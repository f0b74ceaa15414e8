-- Issue 14 §3: the wizard's "ask for Microsoft seller help" is kept on the deal, so an edit cannot clear the contact
-- that R7 requires while help is asked. Deals created before keep false (the answer was not stored).

-- AlterTable
ALTER TABLE "Deal" ADD COLUMN     "askMicrosoftHelp" BOOLEAN NOT NULL DEFAULT false;
