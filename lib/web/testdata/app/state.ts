/** `ctx.state` of the fixture app. */
export interface FixtureState {
  trail: string[];
}
