import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance } from 'fastify'
import { errorResponses } from '../../plugins/common-schemas.js'
import type { Services } from '../../services.js'
import { ScenarioExportSchema, ScenarioResultSchema, ScenarioSchema } from './scenario.schemas.js'
import { serializeScenarioOutcome } from './scenario.serializer.js'
import { ScenarioService } from './scenario.service.js'

const tags = ['mock-control']

/** The service checks the document (its messages name the field in the scenario), as for seeds. */
const validatedByService = () => () => true

/** `/_mock/scenario` (issue 13 §6): a whole situation in one document, and the current one as such a document. */
export async function scenarioRoutes(fastify: FastifyInstance, { services }: { services: Services }) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  const scenarios = new ScenarioService(services)

  app.put(
    '/_mock/scenario',
    {
      bodyLimit: services.config.mockBodyLimit,
      validatorCompiler: validatedByService,
      schema: {
        tags,
        summary: 'Apply a scenario: state or reset, seed, fault rules, webhooks, payment-authorization callbacks, clock',
        description:
          'The parts, in this order, each the body of its own route: `state` (PUT /_mock/state) or else a reset to the fixtures (POST /_mock/reset; `reset: false` skips it), `seed` (POST /_mock/seed), `faults` (POST /_mock/faults each), `webhooks` (POST /_mock/webhooks each), `payment_authorizations` (PUT /_mock/entities/{entity_id}/payment-authorization each), `clock` (`set`, then `frozen`). The whole document is checked first; a 400 names the field (`seed.accounts[0].status`) and changes nothing. `passport-mock serve --scenario FILE` applies the same document, JSON or YAML, at start. Body limit: MOCK_BODY_LIMIT.',
        body: ScenarioSchema,
        response: { 200: ScenarioResultSchema, ...errorResponses(400, 401, 409, 413, 415, 500) },
      },
    },
    async (request) => serializeScenarioOutcome(await scenarios.apply(request.body)),
  )

  app.get(
    '/_mock/scenario',
    {
      schema: {
        tags,
        summary: 'The current situation as a scenario',
        description:
          'The whole state (GET /_mock/state: fault rules, webhook endpoints and payment-authorization callbacks are in it, secrets included) and the clock (`set` to now, `frozen`). Saved to a file, `passport-mock serve --scenario FILE` or PUT /_mock/scenario puts it back.',
        response: { 200: ScenarioExportSchema, ...errorResponses(401, 500) },
      },
    },
    async () => scenarios.export(),
  )
}
