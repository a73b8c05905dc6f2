import type { Knex } from 'knex';
import * as m001 from './20261129_001_phone_preferences';
import * as m002 from './20261129_002_accounts_and_sms';
import * as m003 from './20261129_003_service_secrets';
import * as m004 from './20261129_004_reference_places';
import * as m005 from './20261129_005_profiles';
import * as m006 from './20261129_006_vacancies';
import * as m007 from './20261129_007_admin_audit';
import * as m008 from './20261129_008_ussd_sessions';
import * as m101 from './20261201_001_delivery_reports_once';
import * as m102 from './20261201_002_limited_reset_replies';
import * as m110 from './20261201_010_vacancy_browse_columns';
import * as m111 from './20261201_011_vacancy_browse_index';
import * as m120 from './20261201_020_admin_list_indexes';
import * as m130 from './20261201_030_funnel_rollups';
import * as m140 from './20261201_040_reference_names_sw';
import * as m150 from './20261201_050_sub_counties_as_constituencies';
import * as m160 from './20261201_060_personal_data_at_rest';
import * as m170 from './20261201_070_duties_attendance_claims';
import * as m180 from './20261201_080_application_event_sms';
import * as m190 from './20261201_090_retention_indexes';

/** Every migration, by name; names sort in the order they must run. */
export const migrations: Record<string, Knex.Migration> = {
  '20261129_001_phone_preferences': m001,
  '20261129_002_accounts_and_sms': m002,
  '20261129_003_service_secrets': m003,
  '20261129_004_reference_places': m004,
  '20261129_005_profiles': m005,
  '20261129_006_vacancies': m006,
  '20261129_007_admin_audit': m007,
  '20261129_008_ussd_sessions': m008,
  '20261201_001_delivery_reports_once': m101,
  '20261201_002_limited_reset_replies': m102,
  '20261201_010_vacancy_browse_columns': m110,
  '20261201_011_vacancy_browse_index': m111,
  '20261201_020_admin_list_indexes': m120,
  '20261201_030_funnel_rollups': m130,
  '20261201_040_reference_names_sw': m140,
  '20261201_050_sub_counties_as_constituencies': m150,
  '20261201_060_personal_data_at_rest': m160,
  '20261201_070_duties_attendance_claims': m170,
  '20261201_080_application_event_sms': m180,
  '20261201_090_retention_indexes': m190,
};
