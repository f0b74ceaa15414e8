import fs from 'node:fs';
import type { PrismaClient } from '@prisma/client';
import { importCustomers, demoCustomersFile } from '../../src/store/customers';
import { actorOf } from '../../src/domain';
import { PeopleStore } from '../../src/store/people';
import { seedBasics, TOKYO } from '../helpers/fixtures';
import type { TeamsUser } from '../helpers/teams';

/** Locations, people in every role, the fixtures' customer, the demo directory, and Teams users with roles. */
export async function seedWizard(prisma: PrismaClient) {
  const basics = await seedBasics(prisma);
  await importCustomers(prisma, fs.createReadStream(demoCustomersFile()));
  return basics;
}

/** Gives a Teams test user a role (role administration is another feature; tests set it directly). */
export async function withRole(prisma: PrismaClient, user: TeamsUser, email: string, role: 'user' | 'admin' | null = 'user', locations = [TOKYO]) {
  const people = new PeopleStore(prisma);
  const row = await people.ensureUser({ aadObjectId: user.aadObjectId, name: user.name, email });
  return actorOf(await people.setRole(row.id, role, { global: false, locations: role ? locations : [] }));
}

/** Entries that pass each step (the customer step is done by search + pick). */
export const GOOD = {
  contact: { 'contact.name': 'Kenji Tanaka', 'contact.phone': '+81 3 5555 0000', 'contact.email': 'kenji@fabrikam.example', 'contact.consent': 'true' },
  details: (overrides: Record<string, string> = {}) => ({
    dealType: 'solutionAssessment',
    name: 'Fabrikam migration assessment',
    locationId: TOKYO,
    value: '1500000',
    closeDate: new Date(Date.now() + 60 * 86_400_000).toISOString().slice(0, 10),
    notes: 'Customer wants to move 40 VMs to Azure.',
    ...overrides,
  }),
  team: { 'team.0.phone': '+81 3 1234 5678' },
  assessment: { assessmentType: 'Azure Foundations', assessmentLocation: 'Tokyo HQ' },
};
