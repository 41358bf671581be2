import { DEPARTMENT_ROWS, TOUCHPOINT_TYPES } from './reference-dimensions/reference-dimensions';
import { DEPARTMENT_ROWS_V1, TOUCHPOINT_TYPES_V1 } from './warehouse-reference.seed';

describe('warehouse reference rows seeded by the migrations', () => {
  // Facts point at these rows by key: a type or department the projection knows but no migration seeded would
  // leave facts without their dimension row. Growing the catalogue therefore needs a migration adding the rows.
  it('cover every touchpoint type and department the projection writes, with the same attributes', () => {
    expect(TOUCHPOINT_TYPES).toEqual(TOUCHPOINT_TYPES_V1);
    expect(DEPARTMENT_ROWS).toEqual(DEPARTMENT_ROWS_V1);
  });
});
