import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance } from 'fastify'
import { PassportError } from '../../core/errors.js'
import { errorResponses } from '../../plugins/common-schemas.js'
import type { Services } from '../../services.js'
import { ScenarioExportSchema, ScenarioResultSchema, ScenarioSchema } from './scenario.schemas.js'
import { serializeScenarioOutcome } from './scenario.serializer.js'
import { parseScenarioText, placeOf } from './scenario-file.js'
import { ScenarioService } from './scenario.service.js'

const tags = ['mock-control']

/** The service checks the document (its messages name the field in the scenario), as for seeds. */
const validatedByService = () => () => true

/** A YAML (or JSON) scenario's text, as the YAML parser below hands it to the route. */
class ScenarioText {
  constructor(readonly text: string) {}
}

/** Media types a YAML scenario may come as (RFC 9512 registers application/yaml; the others are older names). */
const YAML_TYPES = ['application/yaml', 'application/x-yaml', 'text/yaml']

/**
 * A scenario sent as YAML (issue 14: the QA console loads a scenario file, JSON or YAML, and
 * sends its text so): parsed as `--scenario FILE` parses it, so a syntax error, or a 400 that
 * names a field, says the line and column in the text.
 */
async function applyText(scenarios: ScenarioService, body: ScenarioText) {
  const parsed = await parseScenarioText(body.text)
  if ('problem' in parsed) {
    throw new PassportError('invalid_json', {
      en: `The scenario is not valid YAML or JSON: line ${parsed.line}, column ${parsed.col}: ${parsed.problem}`,
      es: `El escenario no es YAML ni JSON válido: línea ${parsed.line}, columna ${parsed.col}: ${parsed.problem}`,
    })
  }
  try {
    return await scenarios.apply(parsed.document)
  } catch (error) {
    if (!(error instanceof PassportError)) throw error
    const place = placeOf(error, parsed)
    if (!place) throw error
    throw new PassportError(
      error.code,
      { en: `line ${place.line}, column ${place.col}: ${error.text.en}`, es: `línea ${place.line}, columna ${place.col}: ${error.text.es}` },
      error.headers,
      error.status,
    )
  }
}

/** `/_mock/scenario` (issue 13 §6): a whole situation in one document, and the current one as such a document. */
export async function scenarioRoutes(fastify: FastifyInstance, { services }: { services: Services }) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  const scenarios = new ScenarioService(services)
  // This plugin's context only: every other route still takes JSON alone (CONTRACT §1).
  app.addContentTypeParser(YAML_TYPES, { parseAs: 'string' }, (_request, body, done) => done(null, new ScenarioText(String(body))))

  app.put(
    '/_mock/scenario',
    {
      bodyLimit: services.config.mockBodyLimit,
      validatorCompiler: validatedByService,
      schema: {
        tags,
        summary: 'Apply a scenario: state or reset, seed, fault rules, webhooks, payment-authorization callbacks, clock',
        description:
          'The parts, in this order, each the body of its own route: `state` (PUT /_mock/state) or else a reset to the fixtures (POST /_mock/reset; `reset: false` skips it), `seed` (POST /_mock/seed), `faults` (POST /_mock/faults each), `webhooks` (POST /_mock/webhooks each), `payment_authorizations` (PUT /_mock/entities/{entity_id}/payment-authorization each), `clock` (`set`, then `frozen`). The whole document is checked first; a 400 names the field (`seed.accounts[0].status`) and changes nothing. `passport-mock serve --scenario FILE` applies the same document, JSON or YAML, at start; sent as YAML (`Content-Type: application/yaml`; JSON is YAML too) a 400 also says the line and column of the field it names. Body limit: MOCK_BODY_LIMIT.',
        consumes: ['application/json', ...YAML_TYPES],
        body: ScenarioSchema,
        response: { 200: ScenarioResultSchema, ...errorResponses(400, 401, 409, 413, 415, 500) },
      },
    },
    async (request) => {
      const body: unknown = request.body
      return serializeScenarioOutcome(body instanceof ScenarioText ? await applyText(scenarios, body) : await scenarios.apply(body))
    },
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
