import Type from "typebox";
import { creditmemoExample } from "../../examples/index.js";
import { collection } from "../../http/list-schemas.js";
import { CREDITMEMO_COMMENT_FIELDS, CREDITMEMO_FIELDS, CREDITMEMO_ITEM_FIELDS, formatCreditmemo } from "../../magento/index.js";
import { magentoObject } from "../../services/creditmemos/input-parts.js";

/** The credit memo entities as Magento's order_creditmemo API answers them. */

// Magento's own example (memo 100000684 of order 100000744) as this API writes it.
const seedExample = (() => {
  const example = creditmemoExample({
    tenantId: 1,
    orderRef: 744,
    websiteRef: 1,
    storeRef: 1,
    customerId: 4,
    customerEmail: "customer@example.com",
    orderItemRefs: [775, 776],
  });
  return formatCreditmemo({
    ...example.creditmemo,
    order_increment_id: example.order.incrementId,
    items: example.creditmemoItems,
    comments: example.creditmemoComments,
  });
})();
const { items: exampleItems, comments: exampleComments, ...exampleSummary } = seedExample;

export const CreditmemoItemEntity = magentoObject(CREDITMEMO_ITEM_FIELDS, {}, {
  $id: "salesOrderCreditmemoItemEntity",
  description: "A refunded order line.",
  examples: [exampleItems[0]],
});

export const CreditmemoCommentEntity = magentoObject(CREDITMEMO_COMMENT_FIELDS, {}, {
  $id: "salesOrderCreditmemoCommentEntity",
  description: "A comment on a credit memo.",
  examples: [exampleComments[0]],
});

export const CreditmemoEntity = magentoObject(
  CREDITMEMO_FIELDS,
  {
    items: Type.Array(Type.Ref("salesOrderCreditmemoItemEntity"), { description: "The refunded lines, in creation order." }),
    comments: Type.Array(Type.Ref("salesOrderCreditmemoCommentEntity"), { description: "The comments, oldest first." }),
  },
  {
    $id: "salesOrderCreditmemoEntity",
    description:
      "A credit memo exactly as Magento's order_creditmemo.info writes it: the entity table's properties plus the extra " +
      "names of Magento's response example, in the example's order; every value a string or null.",
    examples: [seedExample],
  },
);

export const CreditmemoListEntry = magentoObject(CREDITMEMO_FIELDS, {}, {
  $id: "salesOrderCreditmemoListEntity",
  description: "A credit memo as order_creditmemo.list writes it: the entity without items and comments.",
  examples: [exampleSummary],
});

export const CreditmemoCollection = collection({
  $id: "CreditmemoCollection",
  itemRef: "salesOrderCreditmemoListEntity",
  description: "A page of credit memos.",
  example: exampleSummary,
  counted: "Credit memos",
  optional: false,
});

export const CreatedCreditmemo = Type.Object(
  {
    increment_id: Type.String({ description: "The new credit memo's increment id (what Magento's create returns)." }),
    creditmemo: Type.Ref("salesOrderCreditmemoEntity"),
  },
  {
    $id: "CreatedCreditmemo",
    description: "The new credit memo's increment id, and the memo as order_creditmemo.info would answer it.",
    examples: [{ increment_id: seedExample["increment_id"], creditmemo: seedExample }],
  },
);
