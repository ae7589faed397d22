import Type from "typebox";

export const HealthStatus = Type.Object(
  {
    status: Type.Literal("ok"),
    database: Type.Optional(Type.Enum(["postgres", "embedded"])),
  },
  { $id: "HealthStatus" },
);
